#include "kernel/random/generator.h"

namespace uk::random {

void Generator::absorb_chunk(const uint8_t* e, size_t n) {
  uint8_t k[kChaChaKeyBytes];
  for (size_t i = 0; i < kChaChaKeyBytes; ++i) k[i] = static_cast<uint8_t>(key_[i] ^ (i < n ? e[i] : 0));
  uint8_t nonce[kChaChaNonceBytes];
  for (size_t i = 0; i < kChaChaNonceBytes; ++i) nonce[i] = kAbsorbNonce[i];
  nonce[kChaChaNonceBytes - 1] = static_cast<uint8_t>(n);
  uint8_t block[kChaChaBlockBytes];
  chacha20_block(k, 0, nonce, block);
  for (size_t i = 0; i < kChaChaKeyBytes; ++i) key_[i] = block[i];
  secure_zero(k, sizeof k);
  secure_zero(block, sizeof block);
}

void Generator::absorb(const void* bytes, size_t len) {
  const auto* p = static_cast<const uint8_t*>(bytes);
  while (len > 0) {
    const size_t n = len < kChaChaKeyBytes ? len : kChaChaKeyBytes;
    absorb_chunk(p, n);
    p += n;
    len -= n;
  }
  seeded_ = true;
}

// Reads `want` bytes from the source in kMaxEntropyRead pieces, absorbing
// each; returns how many arrived. Stops at the first short read.
size_t Generator::absorb_from_source(size_t want) {
  uint8_t buf[kMaxEntropyRead];
  size_t got = 0;
  while (got < want) {
    const size_t ask = want - got < kMaxEntropyRead ? want - got : kMaxEntropyRead;
    size_t n = source_.read(source_.context, buf, ask);
    if (n > ask) n = ask;  // a misbehaving source cannot overrun buf
    if (n > 0) absorb_chunk(buf, n);
    got += n;
    if (n < ask) break;
  }
  secure_zero(buf, sizeof buf);
  return got;
}

Status Generator::seed(const EntropySource& source) {
  if (source.read == nullptr) return Errno::kInval;
  const bool hardware = source.quality == EntropyQuality::kHardware;
  const size_t want = hardware ? kSeedBytes : kWeakSeedBytes;
  // Read into a copy of the key first: a failing hardware source leaves the
  // generator untouched.
  uint8_t saved[kChaChaKeyBytes];
  for (size_t i = 0; i < kChaChaKeyBytes; ++i) saved[i] = key_[i];
  const EntropySource previous = source_;
  source_ = source;
  const size_t got = absorb_from_source(want);
  if (got < (hardware ? kSeedBytes : 1)) {
    for (size_t i = 0; i < kChaChaKeyBytes; ++i) key_[i] = saved[i];
    source_ = previous;
    secure_zero(saved, sizeof saved);
    return Errno::kIo;
  }
  secure_zero(saved, sizeof saved);
  has_source_ = true;
  seeded_ = true;
  if (hardware) hardware_seeded_ = true;
  bytes_since_reseed_ = 0;
  return kOkStatus;
}

void Generator::maybe_reseed() {
  if (!has_source_ || bytes_since_reseed_ < kReseedIntervalBytes) return;
  if (absorb_from_source(kMaxEntropyRead) == kMaxEntropyRead) {
    ++reseeds_;
    bytes_since_reseed_ = 0;
  } else {
    ++reseed_failures_;  // try again on the next call
  }
}

Status Generator::generate(void* out, size_t len) {
  if (!seeded_) return Errno::kAgain;
  if (len > kMaxRequestBytes || (out == nullptr && len > 0)) return Errno::kInval;
  if (len == 0) return kOkStatus;
  maybe_reseed();
  uint8_t stream[kChaChaKeyBytes + kMaxRequestBytes];
  const size_t total = kChaChaKeyBytes + len;
  (void)chacha20_xor(key_, 0, kOutputNonce, nullptr, stream, total);  // 5 blocks at most: never wraps
  for (size_t i = 0; i < kChaChaKeyBytes; ++i) key_[i] = stream[i];
  auto* dst = static_cast<uint8_t*>(out);
  for (size_t i = 0; i < len; ++i) dst[i] = stream[kChaChaKeyBytes + i];
  secure_zero(stream, total);
  bytes_since_reseed_ += len;
  return kOkStatus;
}

void Generator::key_for_testing(uint8_t out[kChaChaKeyBytes]) const {
  for (size_t i = 0; i < kChaChaKeyBytes; ++i) out[i] = key_[i];
}

}  // namespace uk::random
