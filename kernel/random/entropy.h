// Entropy sources for the random generator (generator.h). A source is a
// function pointer plus a context, so the portable generator never touches a
// system register or a device: the architecture / board code supplies
//   - FEAT_RNG RNDR (arch/aarch64, QEMU -cpu max)        quality kHardware
//   - the Raspberry Pi 4 RNG200 (bsp/rpi4)               quality kHardware
//   - virtio-rng on QEMU virt (if a driver is added)     quality kHardware
//   - counter jitter (below, portable; any board)        quality kWeak
// A generator seeded only from a kWeak source reports weak() == true and the
// kernel prints kWeakEntropyWarning at boot (docs/random.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::random {

enum class EntropyQuality : uint8_t {
  kHardware,  // a true random number generator (or a DRBG seeded by one)
  kWeak,      // guessable with effort: timer jitter; never enough for keys
};

struct EntropySource {
  const char* name = nullptr;  // for the boot log: "RNDR", "RNG200", "jitter", ...
  EntropyQuality quality = EntropyQuality::kWeak;
  // Writes up to `len` bytes of entropy to `out` and returns how many it
  // wrote (0 when the hardware has nothing now, e.g. RNDR reporting failure
  // after its bounded retries). Must return in bounded time: it runs inside
  // GetRandom when a reseed is due. Called with len <= kMaxEntropyRead.
  size_t (*read)(void* context, uint8_t* out, size_t len) = nullptr;
  void* context = nullptr;
};

// The most the generator ever asks a source for in one call.
inline constexpr size_t kMaxEntropyRead = 32;

// Printed by the kernel at boot when the generator's seed came only from a
// weak source.
inline constexpr const char kWeakEntropyWarning[] =
    "WARNING: random: no hardware entropy source; GetRandom is seeded from timer jitter only "
    "(weak, possibly predictable): do not use it for keys";

// ---- counter jitter (weak fallback) ----------------------------------------
// Samples a free-running counter (the generic timer's CNTPCT or a cycle
// counter) around a small data-dependent busy loop and folds the differences
// into a 64-bit accumulator. On a deterministic machine (QEMU with -icount,
// or a core with a slow counter) the output is predictable: it is flagged
// kWeak for that reason.
struct JitterState {
  uint64_t (*read_counter)() = nullptr;
  uint64_t pool = 0;  // running mix of every sample
};

inline constexpr unsigned kJitterSamplesPerByte = 8;

// Reads kJitterSamplesPerByte counter samples per output byte. `context` is
// a JitterState*. Returns len (0 if read_counter is null).
size_t jitter_read(void* context, uint8_t* out, size_t len);

// A kWeak EntropySource named "jitter" reading through `state`.
[[nodiscard]] EntropySource make_jitter_source(JitterState& state);

}  // namespace uk::random
