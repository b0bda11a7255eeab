// The kernel's random generator behind GetRandom: ChaCha20 (RFC 8439) in
// "fast key erasure" mode (D. J. Bernstein, "Fast-key-erasure random-number
// generators", 2017), seeded and periodically reseeded from an
// EntropySource (entropy.h). docs/random.md is the reference.
//
// State: one 32-byte key K. Nothing else secret is kept between calls.
//
// generate(out, len), 0 < len <= kMaxRequestBytes:
//   S   = ChaCha20 keystream of 32 + len bytes, key K, nonce kOutputNonce,
//         block counter 0, 1, ...  (at most 5 blocks)
//   K   = S[0, 32)          the old key is overwritten at once
//   out = S[32, 32 + len)
//   S is wiped. Whoever later reads the kernel's memory learns K, which
//   says nothing about earlier outputs (backtracking resistance).
//
// absorb(E) for each chunk e of E (32 bytes, the last one shorter):
//   K = ChaCha20 block(key K XOR e, counter 0, nonce kAbsorbNonce | len(e))[0, 32)
//   The new key is unknown to anyone who does not know the old key or e.
//
// seed(source): absorbs kSeedBytes from a kHardware source (kWeakSeedBytes
// from a kWeak one, so more jitter is folded in); fails with kIo if a
// hardware source delivers less. Reseed: when kReseedIntervalBytes have been
// produced since the last (re)seed, the next generate() first absorbs
// kMaxEntropyRead bytes from the same source (prediction resistance after a
// compromise). A source that delivers nothing then is counted and retried on
// the following call; the output stays as strong as the current key.
//
// Not thread safe: the kernel calls it with the big kernel lock held (one
// CPU runs kernel code at a time).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/random/chacha20.h"
#include "kernel/random/entropy.h"

namespace uk::random {

class Generator {
 public:
  // Most bytes one generate() call (one GetRandom op) produces; a larger
  // request is kInval (userland splits larger requests into 256-byte ops).
  static constexpr size_t kMaxRequestBytes = 256;
  // Entropy absorbed at seeding time.
  static constexpr size_t kSeedBytes = 32;
  static constexpr size_t kWeakSeedBytes = 256;
  // Output bytes between reseeds from the source.
  static constexpr uint64_t kReseedIntervalBytes = 64 * 1024;

  // Seeds from `source` and remembers it for reseeds. Errors: kInval (no
  // read function), kIo (a kHardware source gave fewer than kSeedBytes; the
  // generator stays as it was, so the caller can fall back to a weak
  // source). weak() becomes true iff the generator has only ever been
  // seeded from kWeak sources (absorb() does not change it).
  Status seed(const EntropySource& source);

  // Mixes caller-supplied bytes into the key (e.g. the boot loader's
  // /chosen/rng-seed, or a fixed seed in tests). The first absorb() on an
  // unseeded generator makes it seeded, with weak() == true and no source
  // (so no reseeds) unless seed() is called as well.
  void absorb(const void* bytes, size_t len);

  // Fills out[0, len) (a kernel buffer). Errors: kAgain (never seeded),
  // kInval (len > kMaxRequestBytes, or out == nullptr with len > 0).
  // len == 0 succeeds and changes nothing.
  Status generate(void* out, size_t len);

  [[nodiscard]] bool seeded() const { return seeded_; }
  [[nodiscard]] bool weak() const { return !hardware_seeded_; }
  [[nodiscard]] const char* source_name() const { return source_.name != nullptr ? source_.name : "none"; }
  [[nodiscard]] uint64_t reseeds() const { return reseeds_; }
  [[nodiscard]] uint64_t reseed_failures() const { return reseed_failures_; }
  [[nodiscard]] uint64_t bytes_since_reseed() const { return bytes_since_reseed_; }

  // Copies the current key: host tests check key erasure with it. The
  // kernel never calls it.
  void key_for_testing(uint8_t out[kChaChaKeyBytes]) const;

  // Nonces of the two ChaCha20 uses (domain separation: an absorb never
  // reproduces output keystream). The last absorb nonce byte is len(e).
  static constexpr uint8_t kOutputNonce[kChaChaNonceBytes] = {'u', 'k', '-', 'r', 'n', 'g', '-', 'o', 'u', 't', 0, 0};
  static constexpr uint8_t kAbsorbNonce[kChaChaNonceBytes] = {'u', 'k', '-', 'r', 'n', 'g', '-', 'i', 'n', 0, 0, 0};

 private:
  void absorb_chunk(const uint8_t* e, size_t n);
  size_t absorb_from_source(size_t want);
  void maybe_reseed();

  uint8_t key_[kChaChaKeyBytes] = {};
  EntropySource source_{};
  bool has_source_ = false;
  bool seeded_ = false;
  bool hardware_seeded_ = false;
  uint64_t bytes_since_reseed_ = 0;
  uint64_t reseeds_ = 0;
  uint64_t reseed_failures_ = 0;
};

}  // namespace uk::random
