// ChaCha20 (kernel/random/chacha20.h) against the published test vectors of
// RFC 8439: 2.1.1 (quarter round), 2.2.1 (quarter round on a state),
// 2.3.2 (block function), 2.4.2 (encryption), A.1 #1 (block, zero key).
#include "kernel/random/chacha20.h"

#include <gtest/gtest.h>
#include <string.h>

#include <string>
#include <vector>

namespace uk::random {
namespace {

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

// RFC 8439 2.3.2 / 2.4.2: key 00:01:02:...:1f.
std::vector<uint8_t> rfc_key() {
  std::vector<uint8_t> k(32);
  for (size_t i = 0; i < 32; ++i) k[i] = static_cast<uint8_t>(i);
  return k;
}

TEST(ChaCha20, QuarterRound_Rfc8439_2_1_1) {
  uint32_t a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43, d = 0x01234567;
  chacha20_quarter_round(a, b, c, d);
  EXPECT_EQ(a, 0xea2a92f4u);
  EXPECT_EQ(b, 0xcb1cf8ceu);
  EXPECT_EQ(c, 0x4581472eu);
  EXPECT_EQ(d, 0x5881c4bbu);
}

TEST(ChaCha20, QuarterRoundOnState_Rfc8439_2_2_1) {
  uint32_t s[16] = {0x879531e0, 0xc5ecf37d, 0x516461b1, 0xc9a62f8a, 0x44c20ef3, 0x3390af7f, 0xd9fc690b, 0x2a5f714c,
                    0x53372767, 0xb00a5631, 0x974c541a, 0x359e9963, 0x5c971061, 0x3d631689, 0x2098d9d6, 0x91dbd320};
  const uint32_t expected[16] = {0x879531e0, 0xc5ecf37d, 0xbdb886dc, 0xc9a62f8a, 0x44c20ef3, 0x3390af7f,
                                 0xd9fc690b, 0xcfacafd2, 0xe46bea80, 0xb00a5631, 0x974c541a, 0x359e9963,
                                 0x5c971061, 0xccc07c79, 0x2098d9d6, 0x91dbd320};
  chacha20_quarter_round(s[2], s[7], s[8], s[13]);  // QUARTERROUND(2, 7, 8, 13)
  for (int i = 0; i < 16; ++i) EXPECT_EQ(s[i], expected[i]) << i;
}

TEST(ChaCha20, BlockFunction_Rfc8439_2_3_2) {
  const std::vector<uint8_t> key = rfc_key();
  const std::vector<uint8_t> nonce = hex("000000090000004a00000000");
  uint32_t state[16];
  chacha20_init_state(state, key.data(), 1, nonce.data());
  const uint32_t initial[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, 0x03020100, 0x07060504,
                                0x0b0a0908, 0x0f0e0d0c, 0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c,
                                0x00000001, 0x09000000, 0x4a000000, 0x00000000};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(state[i], initial[i]) << i;
  uint32_t out[16];
  chacha20_block_words(state, out);
  const uint32_t final_state[16] = {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033,
                                    0x9aaa2204, 0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
                                    0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], final_state[i]) << i;
  uint8_t block[64];
  chacha20_block(key.data(), 1, nonce.data(), block);
  const std::vector<uint8_t> serialized = hex(
      "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
      "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
  EXPECT_EQ(std::vector<uint8_t>(block, block + 64), serialized);
  // In place (in == out) gives the same words.
  chacha20_block_words(state, state);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(state[i], final_state[i]) << i;
}

TEST(ChaCha20, Encryption_Rfc8439_2_4_2) {
  const std::vector<uint8_t> key = rfc_key();
  const std::vector<uint8_t> nonce = hex("000000000000004a00000000");
  const std::string plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would "
      "be it.";
  ASSERT_EQ(plaintext.size(), 114u);
  const std::vector<uint8_t> expected = hex(
      "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
      "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
      "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
      "5af90bbf74a35be6b40b8eedf2785e42874d");
  std::vector<uint8_t> ct(plaintext.size());
  ASSERT_TRUE(chacha20_xor(key.data(), 1, nonce.data(), reinterpret_cast<const uint8_t*>(plaintext.data()), ct.data(),
                           ct.size()));
  EXPECT_EQ(ct, expected);
  // Decryption is the same operation; in place works.
  ASSERT_TRUE(chacha20_xor(key.data(), 1, nonce.data(), ct.data(), ct.data(), ct.size()));
  EXPECT_EQ(std::string(ct.begin(), ct.end()), plaintext);
  // in == nullptr: the raw keystream (= ciphertext XOR plaintext).
  std::vector<uint8_t> stream(plaintext.size());
  ASSERT_TRUE(chacha20_xor(key.data(), 1, nonce.data(), nullptr, stream.data(), stream.size()));
  for (size_t i = 0; i < stream.size(); ++i) EXPECT_EQ(stream[i], expected[i] ^ static_cast<uint8_t>(plaintext[i]));
}

TEST(ChaCha20, ZeroKeyBlock_Rfc8439_A_1_1) {
  const uint8_t key[32] = {};
  const uint8_t nonce[12] = {};
  uint8_t block[64];
  chacha20_block(key, 0, nonce, block);
  EXPECT_EQ(std::vector<uint8_t>(block, block + 64),
            hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"));
}

TEST(ChaCha20, CounterMustNotWrap) {
  const uint8_t key[32] = {};
  const uint8_t nonce[12] = {};
  uint8_t buf[129] = {};
  EXPECT_TRUE(chacha20_xor(key, 0xFFFFFFFFu, nonce, nullptr, buf, 64));   // the last block
  EXPECT_FALSE(chacha20_xor(key, 0xFFFFFFFFu, nonce, nullptr, buf, 65));  // would wrap
  EXPECT_TRUE(chacha20_xor(key, 0xFFFFFFFEu, nonce, nullptr, buf, 128));
  uint8_t untouched[65];
  memset(untouched, 0x5A, sizeof untouched);
  EXPECT_FALSE(chacha20_xor(key, 0xFFFFFFFFu, nonce, nullptr, untouched, 65));
  for (uint8_t b : untouched) EXPECT_EQ(b, 0x5A);  // nothing written on refusal
  EXPECT_TRUE(chacha20_xor(key, 0, nonce, nullptr, buf, 0));
}

TEST(ChaCha20, SecureZero) {
  uint8_t buf[33];
  memset(buf, 0xFF, sizeof buf);
  secure_zero(buf, 32);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(buf[i], 0);
  EXPECT_EQ(buf[32], 0xFF);
}

}  // namespace
}  // namespace uk::random
