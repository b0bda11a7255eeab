// The VideoCore firmware's mailbox *property interface* (mailbox channel 8,
// ARM to VideoCore): message layout, the tags and clock ids the kernel uses,
// and the decoding of the board revision code. Portable (no MMIO): the
// transport is in mailbox.h; this part is host-tested.
//
// A message is a 16-byte aligned buffer of little-endian 32-bit words:
//   [0] total size in bytes (a multiple of 4)
//   [1] request code 0; the firmware answers 0x80000000 (success) or
//       0x80000001 (error parsing the request)
//   then tags, each: tag id, value-buffer size in bytes, request/response
//   code (request: 0; response: bit 31 set, bits 30:0 = response length in
//   bytes), then the value buffer (padded to 4 bytes; the firmware writes the
//   answer over the request values)
//   then the end tag 0, and padding.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::bsp::rpi4 {

// Tags (request ids) of the property interface.
inline constexpr uint32_t kTagEnd = 0x00000000;
inline constexpr uint32_t kTagFirmwareRevision = 0x00000001;  // -> u32
inline constexpr uint32_t kTagBoardModel = 0x00010001;        // -> u32
inline constexpr uint32_t kTagBoardRevision = 0x00010002;     // -> u32 revision code
inline constexpr uint32_t kTagBoardSerial = 0x00010004;       // -> u64 (two words, low first)
inline constexpr uint32_t kTagArmMemory = 0x00010005;         // -> base, size
inline constexpr uint32_t kTagVcMemory = 0x00010006;          // -> base, size
inline constexpr uint32_t kTagGetClockRate = 0x00030002;      // clock id -> clock id, rate in Hz
inline constexpr uint32_t kTagGetMaxClockRate = 0x00030004;   // clock id -> clock id, rate in Hz
inline constexpr uint32_t kTagSetClockRate = 0x00038002;      // clock id, rate, skip turbo -> clock id, rate

// Clock ids of the clock tags.
enum class ClockId : uint32_t {
  kEmmc = 1,
  kUart = 2,  // the PL011s' UARTCLK
  kArm = 3,
  kCore = 4,  // the VideoCore (VPU) clock; also clocks the mini UART
  kV3d = 5,
  kH264 = 6,
  kIsp = 7,
  kSdram = 8,
  kPixel = 9,
  kPwm = 10,
  kHevc = 11,
  kEmmc2 = 12,  // the Pi 4's SD card controller
};

[[nodiscard]] const char* clock_name(ClockId id);

inline constexpr uint32_t kRequestCode = 0;
inline constexpr uint32_t kResponseSuccess = 0x80000000u;
inline constexpr uint32_t kResponseError = 0x80000001u;
inline constexpr uint32_t kTagResponseBit = 0x80000000u;

// A property message under construction / holding the firmware's answer.
// The buffer is 64-byte aligned and a whole number of cache lines, so cache
// maintenance on it never touches a neighbouring object.
class PropertyMessage {
 public:
  static constexpr size_t kWords = 64;  // 256 bytes: every query the kernel makes fits
  using Handle = int;                   // index of a tag's first value word; < 0 = not added
  static constexpr Handle kNoTag = -1;

  PropertyMessage() { reset(); }

  // Starts an empty request.
  void reset();
  // Appends `tag` with a value buffer of `value_words` words whose first
  // `request_words` words are `request`. Returns a handle to read the answer
  // with, or kNoTag when the message is full or closed (nothing is added).
  Handle add(uint32_t tag, size_t value_words, const uint32_t* request = nullptr, size_t request_words = 0);
  // Appends the end tag and writes the total size; no tag can be added after.
  // Returns false if there was no room for the end tag.
  bool close();

  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] uint32_t* words() { return words_; }
  [[nodiscard]] const uint32_t* words() const { return words_; }
  [[nodiscard]] size_t size_bytes() const { return words_[0]; }

  // After the firmware's answer:
  // true when the buffer code is kResponseSuccess.
  [[nodiscard]] bool answered() const { return words_[1] == kResponseSuccess; }
  // The tag's answer, or nullptr if the firmware did not answer the tag (its
  // response bit is clear) or answered with fewer than `min_bytes` bytes, or
  // the handle is not a tag of this message.
  [[nodiscard]] const uint32_t* answer(Handle handle, size_t min_bytes) const;

 private:
  alignas(64) uint32_t words_[kWords];
  size_t used_ = 0;  // words in use
  bool closed_ = false;
};

static_assert(sizeof(uint32_t) * PropertyMessage::kWords % 64 == 0);

// The board revision code ("new style" when bit 23 is set), see
// https://www.raspberrypi.com/documentation/computers/raspberry-pi.html
// ("Raspberry Pi revision codes").
struct BoardRevision {
  bool new_style = false;     // false: an old-style code (Pi 1 era), fields below unknown
  uint32_t type = 0;          // bits 11:4
  uint32_t revision = 0;      // bits 3:0, the PCB revision (1.<revision>)
  uint32_t processor = 0;     // bits 15:12
  uint32_t manufacturer = 0;  // bits 19:16
  uint64_t memory_mib = 0;    // bits 22:20 decoded (256 MiB << n)
  const char* model = "unknown model";
  const char* soc = "unknown SoC";
  const char* maker = "unknown manufacturer";
};

[[nodiscard]] BoardRevision decode_board_revision(uint32_t code);
// True for the boards this BSP is for: BCM2711 (Pi 4 B, Pi 400, CM4, CM4S).
[[nodiscard]] bool is_bcm2711_board(const BoardRevision& rev);

}  // namespace uk::bsp::rpi4
