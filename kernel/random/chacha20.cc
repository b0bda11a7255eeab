#include "kernel/random/chacha20.h"

namespace uk::random {
namespace {

constexpr uint32_t rotl(uint32_t v, unsigned n) { return (v << n) | (v >> (32 - n)); }

uint32_t load_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

void store_le32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

// "expand 32-byte k" as four little-endian words (RFC 8439 2.3).
constexpr uint32_t kSigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

}  // namespace

void chacha20_quarter_round(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d) {
  a += b; d ^= a; d = rotl(d, 16);
  c += d; b ^= c; b = rotl(b, 12);
  a += b; d ^= a; d = rotl(d, 8);
  c += d; b ^= c; b = rotl(b, 7);
}

void chacha20_init_state(uint32_t state[kChaChaStateWords], const uint8_t key[kChaChaKeyBytes], uint32_t counter,
                         const uint8_t nonce[kChaChaNonceBytes]) {
  for (unsigned i = 0; i < 4; ++i) state[i] = kSigma[i];
  for (unsigned i = 0; i < 8; ++i) state[4 + i] = load_le32(key + 4 * i);
  state[12] = counter;
  for (unsigned i = 0; i < 3; ++i) state[13 + i] = load_le32(nonce + 4 * i);
}

void chacha20_block_words(const uint32_t in[kChaChaStateWords], uint32_t out[kChaChaStateWords]) {
  uint32_t x[kChaChaStateWords];
  for (unsigned i = 0; i < kChaChaStateWords; ++i) x[i] = in[i];
  for (unsigned round = 0; round < 10; ++round) {
    chacha20_quarter_round(x[0], x[4], x[8], x[12]);   // columns
    chacha20_quarter_round(x[1], x[5], x[9], x[13]);
    chacha20_quarter_round(x[2], x[6], x[10], x[14]);
    chacha20_quarter_round(x[3], x[7], x[11], x[15]);
    chacha20_quarter_round(x[0], x[5], x[10], x[15]);  // diagonals
    chacha20_quarter_round(x[1], x[6], x[11], x[12]);
    chacha20_quarter_round(x[2], x[7], x[8], x[13]);
    chacha20_quarter_round(x[3], x[4], x[9], x[14]);
  }
  for (unsigned i = 0; i < kChaChaStateWords; ++i) out[i] = x[i] + in[i];
  secure_zero(x, sizeof x);
}

void chacha20_block(const uint8_t key[kChaChaKeyBytes], uint32_t counter, const uint8_t nonce[kChaChaNonceBytes],
                    uint8_t out[kChaChaBlockBytes]) {
  uint32_t state[kChaChaStateWords];
  chacha20_init_state(state, key, counter, nonce);
  chacha20_block_words(state, state);
  for (unsigned i = 0; i < kChaChaStateWords; ++i) store_le32(out + 4 * i, state[i]);
  secure_zero(state, sizeof state);
}

bool chacha20_xor(const uint8_t key[kChaChaKeyBytes], uint32_t counter, const uint8_t nonce[kChaChaNonceBytes],
                  const uint8_t* in, uint8_t* out, size_t len) {
  const uint64_t blocks = (static_cast<uint64_t>(len) + kChaChaBlockBytes - 1) / kChaChaBlockBytes;
  if (blocks > (uint64_t{1} << 32) - counter) return false;
  uint8_t block[kChaChaBlockBytes];
  size_t done = 0;
  while (done < len) {
    chacha20_block(key, counter, nonce, block);
    ++counter;  // may wrap to 0 only after the last block (checked above)
    const size_t n = len - done < kChaChaBlockBytes ? len - done : kChaChaBlockBytes;
    for (size_t i = 0; i < n; ++i) out[done + i] = static_cast<uint8_t>((in != nullptr ? in[done + i] : 0) ^ block[i]);
    done += n;
  }
  secure_zero(block, sizeof block);
  return true;
}

void secure_zero(void* p, size_t len) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  for (size_t i = 0; i < len; ++i) v[i] = 0;
}

}  // namespace uk::random
