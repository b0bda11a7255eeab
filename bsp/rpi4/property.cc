#include "bsp/rpi4/property.h"

namespace uk::bsp::rpi4 {
namespace {

constexpr size_t kHeaderWords = 2;  // size, code
constexpr size_t kTagHeaderWords = 3;  // id, value size, code

}  // namespace

const char* clock_name(ClockId id) {
  switch (id) {
    case ClockId::kEmmc: return "EMMC";
    case ClockId::kUart: return "UART";
    case ClockId::kArm: return "ARM";
    case ClockId::kCore: return "core";
    case ClockId::kV3d: return "V3D";
    case ClockId::kH264: return "H264";
    case ClockId::kIsp: return "ISP";
    case ClockId::kSdram: return "SDRAM";
    case ClockId::kPixel: return "pixel";
    case ClockId::kPwm: return "PWM";
    case ClockId::kHevc: return "HEVC";
    case ClockId::kEmmc2: return "EMMC2";
  }
  return "?";
}

void PropertyMessage::reset() {
  for (uint32_t& w : words_) w = 0;
  words_[1] = kRequestCode;
  used_ = kHeaderWords;
  closed_ = false;
}

PropertyMessage::Handle PropertyMessage::add(uint32_t tag, size_t value_words, const uint32_t* request,
                                             size_t request_words) {
  // Keep one word for the end tag.
  if (closed_ || request_words > value_words || value_words > kWords ||
      used_ + kTagHeaderWords + value_words + 1 > kWords) {
    return kNoTag;
  }
  words_[used_] = tag;
  words_[used_ + 1] = static_cast<uint32_t>(value_words * sizeof(uint32_t));
  words_[used_ + 2] = kRequestCode;
  const size_t value = used_ + kTagHeaderWords;
  for (size_t i = 0; i < value_words; ++i) words_[value + i] = i < request_words ? request[i] : 0;
  used_ = value + value_words;
  return static_cast<Handle>(value);
}

bool PropertyMessage::close() {
  if (closed_) return true;
  if (used_ + 1 > kWords) return false;
  words_[used_++] = kTagEnd;
  words_[0] = static_cast<uint32_t>(used_ * sizeof(uint32_t));
  closed_ = true;
  return true;
}

const uint32_t* PropertyMessage::answer(Handle handle, size_t min_bytes) const {
  if (handle < static_cast<Handle>(kHeaderWords + kTagHeaderWords) || static_cast<size_t>(handle) >= used_) {
    return nullptr;
  }
  const size_t value = static_cast<size_t>(handle);
  const uint32_t buffer_bytes = words_[value - 2];
  const uint32_t code = words_[value - 1];
  if ((code & kTagResponseBit) == 0) return nullptr;
  const uint32_t length = code & ~kTagResponseBit;
  // The firmware reports the length it wanted to write; only what fits in
  // the value buffer was written.
  if (length < min_bytes || buffer_bytes < min_bytes) return nullptr;
  return &words_[value];
}

BoardRevision decode_board_revision(uint32_t code) {
  BoardRevision rev;
  constexpr uint32_t kNewStyle = 1u << 23;
  if ((code & kNewStyle) == 0) return rev;
  rev.new_style = true;
  rev.revision = code & 0xf;
  rev.type = (code >> 4) & 0xff;
  rev.processor = (code >> 12) & 0xf;
  rev.manufacturer = (code >> 16) & 0xf;
  rev.memory_mib = 256ull << ((code >> 20) & 0x7);

  switch (rev.type) {
    case 0x00: rev.model = "Raspberry Pi 1 Model A"; break;
    case 0x01: rev.model = "Raspberry Pi 1 Model B"; break;
    case 0x02: rev.model = "Raspberry Pi 1 Model A+"; break;
    case 0x03: rev.model = "Raspberry Pi 1 Model B+"; break;
    case 0x04: rev.model = "Raspberry Pi 2 Model B"; break;
    case 0x06: rev.model = "Compute Module 1"; break;
    case 0x08: rev.model = "Raspberry Pi 3 Model B"; break;
    case 0x09: rev.model = "Raspberry Pi Zero"; break;
    case 0x0a: rev.model = "Compute Module 3"; break;
    case 0x0c: rev.model = "Raspberry Pi Zero W"; break;
    case 0x0d: rev.model = "Raspberry Pi 3 Model B+"; break;
    case 0x0e: rev.model = "Raspberry Pi 3 Model A+"; break;
    case 0x10: rev.model = "Compute Module 3+"; break;
    case 0x11: rev.model = "Raspberry Pi 4 Model B"; break;
    case 0x12: rev.model = "Raspberry Pi Zero 2 W"; break;
    case 0x13: rev.model = "Raspberry Pi 400"; break;
    case 0x14: rev.model = "Compute Module 4"; break;
    case 0x15: rev.model = "Compute Module 4S"; break;
    case 0x17: rev.model = "Raspberry Pi 5"; break;
    default: break;
  }
  switch (rev.processor) {
    case 0: rev.soc = "BCM2835"; break;
    case 1: rev.soc = "BCM2836"; break;
    case 2: rev.soc = "BCM2837"; break;
    case 3: rev.soc = "BCM2711"; break;
    case 4: rev.soc = "BCM2712"; break;
    default: break;
  }
  switch (rev.manufacturer) {
    case 0: rev.maker = "Sony UK"; break;
    case 1: rev.maker = "Egoman"; break;
    case 2:
    case 4: rev.maker = "Embest"; break;
    case 3: rev.maker = "Sony Japan"; break;
    case 5: rev.maker = "Stadium"; break;
    default: break;
  }
  return rev;
}

bool is_bcm2711_board(const BoardRevision& rev) { return rev.new_style && rev.processor == 3; }

}  // namespace uk::bsp::rpi4
