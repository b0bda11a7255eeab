#include "kernel/random/entropy.h"

namespace uk::random {
namespace {

// A 64-bit finalizer (splitmix64 / Murmur3 style): spreads every input bit
// over the whole word, so a few bits of jitter reach every output byte.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

size_t jitter_read(void* context, uint8_t* out, size_t len) {
  auto* s = static_cast<JitterState*>(context);
  if (s == nullptr || s->read_counter == nullptr) return 0;
  for (size_t i = 0; i < len; ++i) {
    for (unsigned k = 0; k < kJitterSamplesPerByte; ++k) {
      const uint64_t t0 = s->read_counter();
      // Data-dependent work between the two reads: 1..16 dependent steps.
      volatile uint64_t sink = s->pool;
      const unsigned spins = 1 + static_cast<unsigned>(s->pool & 15);
      for (unsigned j = 0; j < spins; ++j) sink = sink * 6364136223846793005ull + 1442695040888963407ull;
      const uint64_t t1 = s->read_counter();
      s->pool = mix64(s->pool ^ (t1 - t0) ^ (t1 << 17) ^ sink);
    }
    out[i] = static_cast<uint8_t>(s->pool >> 56);
  }
  return len;
}

EntropySource make_jitter_source(JitterState& state) {
  EntropySource source;
  source.name = "jitter";
  source.quality = EntropyQuality::kWeak;
  source.read = &jitter_read;
  source.context = &state;
  return source;
}

}  // namespace uk::random
