// The fast-key-erasure generator (kernel/random/generator.h) and entropy
// sources (entropy.h): determinism with a fixed seed, the construction
// recomputed independently from chacha20_block, key erasure, request
// limits, seeding from hardware / failing / weak sources, reseeding.
#include "kernel/random/generator.h"

#include <gtest/gtest.h>
#include <string.h>

#include <string>
#include <vector>

#include "kernel/random/chacha20.h"
#include "kernel/random/entropy.h"

namespace uk::random {
namespace {

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<uint8_t> key_of(const Generator& g) {
  std::vector<uint8_t> k(kChaChaKeyBytes);
  g.key_for_testing(k.data());
  return k;
}

std::vector<uint8_t> generate(Generator& g, size_t n) {
  std::vector<uint8_t> out(n);
  EXPECT_TRUE(g.generate(out.data(), n).ok());
  return out;
}

std::vector<uint8_t> seed_bytes() {
  std::vector<uint8_t> s(32);
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i);
  return s;
}

// The keystream of `key` with the output nonce, block counter 0 on.
std::vector<uint8_t> output_stream(const std::vector<uint8_t>& key, size_t n) {
  std::vector<uint8_t> out(n);
  EXPECT_TRUE(chacha20_xor(key.data(), 0, Generator::kOutputNonce, nullptr, out.data(), n));
  return out;
}

// A fake hardware source: returns `give` bytes per call (at most len) of a
// counter pattern, and counts what was asked.
struct FakeSource {
  size_t give = SIZE_MAX;
  size_t calls = 0;
  size_t bytes = 0;
  uint8_t next = 0x40;
  static size_t read(void* ctx, uint8_t* out, size_t len) {
    auto* f = static_cast<FakeSource*>(ctx);
    ++f->calls;
    const size_t n = f->give < len ? f->give : len;
    for (size_t i = 0; i < n; ++i) out[i] = f->next++;
    f->bytes += n;
    return n;
  }
  EntropySource source(EntropyQuality q = EntropyQuality::kHardware) {
    EntropySource s;
    s.name = "fake";
    s.quality = q;
    s.read = &FakeSource::read;
    s.context = this;
    return s;
  }
};

TEST(Generator, UnseededRefuses) {
  Generator g;
  uint8_t buf[8];
  EXPECT_FALSE(g.seeded());
  EXPECT_TRUE(g.weak());
  EXPECT_EQ(g.generate(buf, sizeof buf).error(), Errno::kAgain);
  EXPECT_STREQ(g.source_name(), "none");
}

TEST(Generator, FixedSeedIsDeterministic) {
  Generator a;
  Generator b;
  a.absorb(seed_bytes().data(), 32);
  b.absorb(seed_bytes().data(), 32);
  EXPECT_TRUE(a.seeded());
  EXPECT_TRUE(a.weak());  // no entropy source: only caller-supplied bytes
  for (size_t n : {1u, 16u, 64u, 200u, 256u}) EXPECT_EQ(generate(a, n), generate(b, n)) << n;
  Generator c;
  std::vector<uint8_t> other = seed_bytes();
  other[31] ^= 1;
  c.absorb(other.data(), 32);
  Generator d;
  d.absorb(seed_bytes().data(), 32);
  EXPECT_NE(generate(c, 32), generate(d, 32));
}

// Frozen values for seed 00..1f, recomputed outside this code base (Python's
// `cryptography` ChaCha20 driving the construction of generator.h).
TEST(Generator, KnownAnswerForAFixedSeed) {
  Generator g;
  g.absorb(seed_bytes().data(), 32);
  EXPECT_EQ(key_of(g), hex("03f611c125289111ea28fa7534e3b21bc019a59fb2fffde8e20f3bbf02d0e896"));
  EXPECT_EQ(generate(g, 16), hex("40d6bb0a6222fd4c1f1922dd9e90a67e"));
  EXPECT_EQ(generate(g, 16), hex("d70703974402eff3bc6db1e00ed95093"));
}

TEST(Generator, AbsorbIsTheDocumentedConstruction) {
  Generator g;
  const std::vector<uint8_t> e = seed_bytes();
  g.absorb(e.data(), 20);  // one short chunk
  uint8_t nonce[12];
  memcpy(nonce, Generator::kAbsorbNonce, 12);
  nonce[11] = 20;
  uint8_t k[32] = {};
  for (size_t i = 0; i < 20; ++i) k[i] = e[i];  // zero key XOR e
  uint8_t block[64];
  chacha20_block(k, 0, nonce, block);
  EXPECT_EQ(key_of(g), std::vector<uint8_t>(block, block + 32));
  // Longer input: 32-byte chunks, the last one shorter.
  Generator h;
  std::vector<uint8_t> long_seed(70, 0x11);
  h.absorb(long_seed.data(), long_seed.size());
  Generator h2;
  h2.absorb(long_seed.data(), 32);
  h2.absorb(long_seed.data() + 32, 32);
  h2.absorb(long_seed.data() + 64, 6);
  EXPECT_EQ(key_of(h), key_of(h2));
}

TEST(Generator, FastKeyErasure) {
  Generator g;
  g.absorb(seed_bytes().data(), 32);
  for (size_t n : {1u, 31u, 32u, 33u, 100u, 256u}) {
    const std::vector<uint8_t> before = key_of(g);
    const std::vector<uint8_t> stream = output_stream(before, 32 + n);
    const std::vector<uint8_t> out = generate(g, n);
    const std::vector<uint8_t> after = key_of(g);
    // The first 32 keystream bytes replaced the key; the caller got the rest.
    EXPECT_EQ(after, std::vector<uint8_t>(stream.begin(), stream.begin() + 32)) << n;
    EXPECT_EQ(out, std::vector<uint8_t>(stream.begin() + 32, stream.end())) << n;
    EXPECT_NE(after, before) << n;
    // The new key's own stream does not reproduce what was handed out.
    const std::vector<uint8_t> next = output_stream(after, 32 + n);
    EXPECT_NE(std::vector<uint8_t>(next.begin() + 32, next.end()), out) << n;
  }
}

TEST(Generator, RequestLimits) {
  Generator g;
  g.absorb(seed_bytes().data(), 32);
  std::vector<uint8_t> buf(Generator::kMaxRequestBytes + 1, 0);
  EXPECT_TRUE(g.generate(buf.data(), Generator::kMaxRequestBytes).ok());
  EXPECT_EQ(buf.back(), 0);  // never writes past len
  const std::vector<uint8_t> key = key_of(g);
  EXPECT_EQ(g.generate(buf.data(), Generator::kMaxRequestBytes + 1).error(), Errno::kInval);
  EXPECT_EQ(g.generate(nullptr, 1).error(), Errno::kInval);
  EXPECT_TRUE(g.generate(nullptr, 0).ok());
  EXPECT_TRUE(g.generate(buf.data(), 0).ok());
  EXPECT_EQ(key_of(g), key);  // refused and empty requests change nothing
  EXPECT_EQ(Generator::kMaxRequestBytes, 256u);
}

TEST(Generator, SeedFromHardware) {
  FakeSource f;
  Generator g;
  ASSERT_TRUE(g.seed(f.source()).ok());
  EXPECT_TRUE(g.seeded());
  EXPECT_FALSE(g.weak());
  EXPECT_STREQ(g.source_name(), "fake");
  EXPECT_EQ(f.bytes, Generator::kSeedBytes);
  // Same source bytes, same generator: seeding is absorb() of what was read.
  Generator h;
  std::vector<uint8_t> same(32);
  for (size_t i = 0; i < 32; ++i) same[i] = static_cast<uint8_t>(0x40 + i);
  h.absorb(same.data(), 32);
  EXPECT_EQ(key_of(g), key_of(h));
}

TEST(Generator, FailingHardwareLeavesTheGeneratorAlone) {
  FakeSource dead;
  dead.give = 0;
  Generator g;
  EXPECT_EQ(g.seed(dead.source()).error(), Errno::kIo);
  EXPECT_FALSE(g.seeded());
  FakeSource partial;
  partial.give = 31;
  EXPECT_EQ(g.seed(partial.source()).error(), Errno::kIo);
  EXPECT_FALSE(g.seeded());
  EXPECT_EQ(key_of(g), std::vector<uint8_t>(32, 0));
  EntropySource none;
  EXPECT_EQ(g.seed(none).error(), Errno::kInval);
  // The kernel then falls back to the weak source.
  static uint64_t t = 0;
  JitterState jitter;
  jitter.read_counter = [] { return t += 7 + (t >> 3) % 5; };
  ASSERT_TRUE(g.seed(make_jitter_source(jitter)).ok());
  EXPECT_TRUE(g.seeded());
  EXPECT_TRUE(g.weak());
  EXPECT_STREQ(g.source_name(), "jitter");
}

TEST(Generator, WeakSourceReadsMore) {
  FakeSource f;
  Generator g;
  ASSERT_TRUE(g.seed(f.source(EntropyQuality::kWeak)).ok());
  EXPECT_TRUE(g.weak());
  EXPECT_EQ(f.bytes, Generator::kWeakSeedBytes);
  EXPECT_EQ(f.calls, Generator::kWeakSeedBytes / kMaxEntropyRead);
  // A later hardware seed makes it strong.
  FakeSource hw;
  ASSERT_TRUE(g.seed(hw.source()).ok());
  EXPECT_FALSE(g.weak());
}

TEST(Generator, ReseedsAfterTheInterval) {
  FakeSource f;
  Generator g;
  ASSERT_TRUE(g.seed(f.source()).ok());
  const size_t calls = Generator::kReseedIntervalBytes / Generator::kMaxRequestBytes;
  std::vector<uint8_t> buf(Generator::kMaxRequestBytes);
  for (size_t i = 0; i < calls; ++i) ASSERT_TRUE(g.generate(buf.data(), buf.size()).ok());
  EXPECT_EQ(g.reseeds(), 0u);
  EXPECT_EQ(f.bytes, 32u);
  EXPECT_EQ(g.bytes_since_reseed(), Generator::kReseedIntervalBytes);
  // The next call absorbs kMaxEntropyRead fresh bytes before producing output.
  const std::vector<uint8_t> key = key_of(g);
  ASSERT_TRUE(g.generate(buf.data(), 16).ok());
  EXPECT_EQ(g.reseeds(), 1u);
  EXPECT_EQ(f.bytes, 32u + kMaxEntropyRead);
  EXPECT_EQ(g.bytes_since_reseed(), 16u);
  // Recompute: key' = absorb(key, fresh), then output from key'.
  uint8_t fresh[32];
  for (size_t i = 0; i < 32; ++i) fresh[i] = static_cast<uint8_t>(0x40 + 32 + i);
  uint8_t k[32];
  for (size_t i = 0; i < 32; ++i) k[i] = key[i] ^ fresh[i];
  uint8_t nonce[12];
  memcpy(nonce, Generator::kAbsorbNonce, 12);
  nonce[11] = 32;
  uint8_t block[64];
  chacha20_block(k, 0, nonce, block);
  const std::vector<uint8_t> stream = output_stream(std::vector<uint8_t>(block, block + 32), 48);
  EXPECT_EQ(std::vector<uint8_t>(buf.begin(), buf.begin() + 16), std::vector<uint8_t>(stream.begin() + 32, stream.end()));
}

TEST(Generator, ReseedFailureIsRetriedAndHarmless) {
  FakeSource f;
  Generator g;
  ASSERT_TRUE(g.seed(f.source()).ok());
  std::vector<uint8_t> buf(Generator::kMaxRequestBytes);
  for (size_t i = 0; i < Generator::kReseedIntervalBytes / buf.size(); ++i) ASSERT_TRUE(g.generate(buf.data(), buf.size()).ok());
  f.give = 0;  // the hardware stops delivering
  EXPECT_TRUE(g.generate(buf.data(), 8).ok());
  EXPECT_TRUE(g.generate(buf.data(), 8).ok());
  EXPECT_EQ(g.reseed_failures(), 2u);
  EXPECT_EQ(g.reseeds(), 0u);
  f.give = SIZE_MAX;
  EXPECT_TRUE(g.generate(buf.data(), 8).ok());
  EXPECT_EQ(g.reseeds(), 1u);
  EXPECT_EQ(g.bytes_since_reseed(), 8u);
}

TEST(Generator, MisbehavingSourceCannotOverrun) {
  struct Liar {
    static size_t read(void*, uint8_t* out, size_t len) {
      memset(out, 0x77, len);
      return len + 1000;  // claims more than asked
    }
  };
  EntropySource s;
  s.name = "liar";
  s.quality = EntropyQuality::kHardware;
  s.read = &Liar::read;
  Generator g;
  EXPECT_TRUE(g.seed(s).ok());
  Generator h;
  std::vector<uint8_t> same(32, 0x77);
  h.absorb(same.data(), 32);
  EXPECT_EQ(key_of(g), key_of(h));
}

TEST(Entropy, JitterSource) {
  static uint64_t t = 1000;
  JitterState state;
  state.read_counter = [] { return t += 3 + (t & 7); };
  EntropySource s = make_jitter_source(state);
  EXPECT_EQ(s.quality, EntropyQuality::kWeak);
  EXPECT_STREQ(s.name, "jitter");
  uint8_t a[32] = {};
  EXPECT_EQ(s.read(s.context, a, sizeof a), sizeof a);
  uint8_t b[32] = {};
  EXPECT_EQ(s.read(s.context, b, sizeof b), sizeof b);
  EXPECT_NE(memcmp(a, b, sizeof a), 0);  // the pool keeps moving
  JitterState none;
  EXPECT_EQ(jitter_read(&none, a, sizeof a), 0u);
  EXPECT_EQ(jitter_read(nullptr, a, sizeof a), 0u);
  EXPECT_NE(strstr(kWeakEntropyWarning, "WARNING"), nullptr);
}

}  // namespace
}  // namespace uk::random
