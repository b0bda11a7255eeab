// A validating reader for cpio "newc" archives (the SVR4 portable format
// with ASCII hex headers, magic 070701, as written by `cpio -o -H newc`), and
// its checksummed sibling "crc" (magic 070702, `cpio -o -H crc`). Portable,
// no heap, reads the archive in place, byte by byte (no alignment demands on
// the buffer). Every header is checked before anything in it is used; the
// first problem stops the reader with a message naming the entry, its offset
// and the reason.
//
// Layout (all offsets from the archive start):
//   header   110 bytes at a 4-aligned offset:
//            magic[6] "070701" | "070702", then 13 fields of exactly 8 hex
//            digits: ino mode uid gid nlink mtime filesize devmajor devminor
//            rdevmajor rdevminor namesize check
//   name     namesize bytes including the terminating NUL (no NUL before it)
//   pad      zeros to the next multiple of 4
//   data     filesize bytes
//   pad      zeros to the next multiple of 4
// The archive ends with an entry named "TRAILER!!!" (filesize 0); what
// follows it (cpio pads to 512-byte blocks) must be zero bytes.
//
// Checks: magic; hex digits (0-9, a-f, A-F); 1 <= namesize <= kMaxCpioName;
// the name NUL-terminated exactly at namesize - 1; header, name, data and
// padding inside the buffer (overflow-checked); padding bytes zero; check
// field 0 for newc and equal to the byte sum of the data for crc; a trailer
// present; only zeros after it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk::vfs {

inline constexpr size_t kCpioHeaderBytes = 110;
inline constexpr size_t kMaxCpioName = 4096;  // namesize bound (PATH_MAX), NUL included

// One archive member, pointing into the archive.
struct CpioEntry {
  const char* name = nullptr;  // NUL-terminated, name_len bytes before the NUL
  size_t name_len = 0;
  uint32_t ino = 0;
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t nlink = 0;
  uint32_t mtime = 0;
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  uint32_t rdevmajor = 0;
  uint32_t rdevminor = 0;
  uint32_t check = 0;
  const uint8_t* data = nullptr;
  uint64_t size = 0;
  uint64_t offset = 0;  // of the header
  uint32_t index = 0;   // 0-based position in the archive
};

// Why the archive was refused.
struct CpioError {
  uint64_t offset = 0;  // where the problem is
  char message[160] = {};
};

class CpioReader {
 public:
  CpioReader(const void* data, size_t size) : base_(static_cast<const uint8_t*>(data)), size_(size) {}

  // Reads the next member. OK and *end == false: `entry` is filled. OK and
  // *end == true: the trailer was reached and everything after it is zero.
  // kInval: corrupt or truncated; error() says why; every later call fails
  // the same way.
  Status next(CpioEntry& entry, bool& end);

  [[nodiscard]] const CpioError& error() const { return error_; }

 private:
  Status fail(uint64_t offset, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

  const uint8_t* base_;
  size_t size_;
  uint64_t pos_ = 0;
  uint32_t index_ = 0;
  bool failed_ = false;
  bool done_ = false;
  CpioError error_;
};

// Walks the whole archive (validation only).
Status cpio_validate(const void* data, size_t size, CpioError* error);

}  // namespace uk::vfs
