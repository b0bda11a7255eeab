// ChaCha20 as specified by RFC 8439 (section 2.3: the block function with a
// 32-bit block counter and a 96-bit nonce; section 2.4: the stream cipher).
// Portable, freestanding, no tables, no heap; byte-oriented loads and stores
// so it is safe with -mstrict-align and on either endianness.
//
// This is a keystream generator, not an AEAD: nothing here authenticates.
// The kernel uses it only inside the random generator (generator.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::random {

inline constexpr size_t kChaChaKeyBytes = 32;
inline constexpr size_t kChaChaNonceBytes = 12;
inline constexpr size_t kChaChaBlockBytes = 64;
inline constexpr size_t kChaChaStateWords = 16;

// RFC 8439 2.1: the quarter round on four state words, in place.
void chacha20_quarter_round(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d);

// RFC 8439 2.3: builds the initial state (constants, key words, counter,
// nonce words; all little endian).
void chacha20_init_state(uint32_t state[kChaChaStateWords], const uint8_t key[kChaChaKeyBytes], uint32_t counter,
                         const uint8_t nonce[kChaChaNonceBytes]);

// RFC 8439 2.3: 20 rounds (10 column + 10 diagonal) on a copy of `in`, then
// adds `in` word by word: out = in + rounds(in). `in` and `out` may alias.
void chacha20_block_words(const uint32_t in[kChaChaStateWords], uint32_t out[kChaChaStateWords]);

// RFC 8439 2.3: the serialized 64-byte keystream block for (key, counter,
// nonce).
void chacha20_block(const uint8_t key[kChaChaKeyBytes], uint32_t counter, const uint8_t nonce[kChaChaNonceBytes],
                    uint8_t out[kChaChaBlockBytes]);

// RFC 8439 2.4: out[i] = in[i] XOR keystream[i], the keystream starting at
// block `counter`. `in == out` is allowed; `in == nullptr` writes the raw
// keystream. The counter must not wrap: the caller keeps
// counter + ceil(len / 64) <= 2^32 (returns false, writing nothing, otherwise).
[[nodiscard]] bool chacha20_xor(const uint8_t key[kChaChaKeyBytes], uint32_t counter,
                                const uint8_t nonce[kChaChaNonceBytes], const uint8_t* in, uint8_t* out, size_t len);

// Overwrites `len` bytes with zeros through a volatile pointer so the
// compiler cannot drop it as a dead store (key and keystream erasure).
void secure_zero(void* p, size_t len);

}  // namespace uk::random
