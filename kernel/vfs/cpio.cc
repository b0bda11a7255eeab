#include "kernel/vfs/cpio.h"

#include <stdarg.h>

#include "kernel/console/format.h"

namespace uk::vfs {
namespace {

constexpr char kMagicNewc[] = "070701";
constexpr char kMagicCrc[] = "070702";
constexpr char kTrailer[] = "TRAILER!!!";
constexpr size_t kFieldCount = 13;
constexpr const char* kFieldNames[kFieldCount] = {"ino",       "mode",      "uid",       "gid",      "nlink",
                                                 "mtime",     "filesize",  "devmajor",  "devminor", "rdevmajor",
                                                 "rdevminor", "namesize",  "check"};

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr uint64_t pad4(uint64_t v) { return (v + 3) & ~uint64_t{3}; }

bool bytes_equal(const uint8_t* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != static_cast<uint8_t>(b[i])) return false;
  }
  return true;
}

// A printable rendering of an untrusted name for messages.
void printable(const char* name, size_t len, char* out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < len && n + 1 < cap; ++i) {
    const char c = name[i];
    out[n++] = (c >= ' ' && c < 0x7f && c != '\'') ? c : '?';
  }
  if (len > n && cap >= 4) {
    out[cap - 4] = '.';
    out[cap - 3] = '.';
    out[cap - 2] = '.';
    n = cap - 1;
  }
  out[n] = '\0';
}

}  // namespace

Status CpioReader::fail(uint64_t offset, const char* fmt, ...) {
  failed_ = true;
  error_.offset = offset;
  size_t n = format(error_.message, sizeof error_.message, "cpio entry %u at offset %llu: ", index_,
                    static_cast<unsigned long long>(pos_));
  if (n < sizeof error_.message) {
    va_list args;
    va_start(args, fmt);
    vformat(error_.message + n, sizeof error_.message - n, fmt, args);
    va_end(args);
  }
  return Errno::kInval;
}

Status CpioReader::next(CpioEntry& entry, bool& end) {
  end = false;
  if (failed_) return Errno::kInval;
  if (done_) {
    end = true;
    return kOkStatus;
  }
  // pos_ is always 4-aligned and <= size_ here (every step below keeps it so).
  if (base_ == nullptr && size_ != 0) return fail(0, "no archive buffer");
  const uint64_t remaining = size_ - pos_;
  if (remaining == 0) return fail(pos_, "archive ends without a TRAILER!!! entry");
  if (remaining < kCpioHeaderBytes)
    return fail(pos_, "truncated header: %llu of %zu bytes", static_cast<unsigned long long>(remaining),
                kCpioHeaderBytes);
  const uint8_t* h = base_ + pos_;
  bool crc = false;
  if (bytes_equal(h, kMagicNewc, 6)) {
    crc = false;
  } else if (bytes_equal(h, kMagicCrc, 6)) {
    crc = true;
  } else {
    char shown[8];
    printable(reinterpret_cast<const char*>(h), 6, shown, sizeof shown);
    return fail(pos_, "bad magic '%s' (expected 070701 newc or 070702 crc)", shown);
  }
  uint32_t field[kFieldCount];
  for (size_t f = 0; f < kFieldCount; ++f) {
    uint32_t v = 0;
    for (size_t i = 0; i < 8; ++i) {
      const uint8_t c = h[6 + 8 * f + i];
      const int d = hex_value(c);
      if (d < 0) return fail(pos_ + 6 + 8 * f + i, "field %s: byte 0x%02x is not a hex digit", kFieldNames[f], c);
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    field[f] = v;
  }
  entry = CpioEntry{};
  entry.ino = field[0];
  entry.mode = field[1];
  entry.uid = field[2];
  entry.gid = field[3];
  entry.nlink = field[4];
  entry.mtime = field[5];
  entry.size = field[6];
  entry.devmajor = field[7];
  entry.devminor = field[8];
  entry.rdevmajor = field[9];
  entry.rdevminor = field[10];
  const uint32_t namesize = field[11];
  entry.check = field[12];
  entry.offset = pos_;
  entry.index = index_;

  if (namesize == 0) return fail(pos_, "namesize is 0 (the name needs at least its NUL)");
  if (namesize > kMaxCpioName) return fail(pos_, "namesize %u is larger than %zu", namesize, kMaxCpioName);
  const uint64_t name_off = pos_ + kCpioHeaderBytes;
  if (namesize > size_ - name_off)
    return fail(name_off, "truncated name: namesize %u, %llu bytes left", namesize,
                static_cast<unsigned long long>(size_ - name_off));
  const char* name = reinterpret_cast<const char*>(base_ + name_off);
  for (uint32_t i = 0; i + 1 < namesize; ++i) {
    if (name[i] == '\0') return fail(name_off + i, "NUL inside the name (namesize %u)", namesize);
  }
  if (name[namesize - 1] != '\0') return fail(name_off + namesize - 1, "name is not NUL-terminated");
  entry.name = name;
  entry.name_len = namesize - 1;

  const uint64_t name_end = name_off + namesize;
  const uint64_t data_off = pad4(name_end);
  if (data_off > size_) return fail(name_end, "truncated: name padding runs past the end");
  for (uint64_t i = name_end; i < data_off; ++i) {
    if (base_[i] != 0) return fail(i, "name padding byte is 0x%02x, not 0", base_[i]);
  }
  if (entry.size > size_ - data_off)
    return fail(data_off, "truncated data: filesize %llu, %llu bytes left", static_cast<unsigned long long>(entry.size),
                static_cast<unsigned long long>(size_ - data_off));
  const uint64_t data_end = data_off + entry.size;
  const uint64_t next = pad4(data_end);
  if (next > size_) return fail(data_end, "truncated: data padding runs past the end");
  for (uint64_t i = data_end; i < next; ++i) {
    if (base_[i] != 0) return fail(i, "data padding byte is 0x%02x, not 0", base_[i]);
  }
  entry.data = base_ + data_off;

  if (crc) {
    uint32_t sum = 0;
    for (uint64_t i = 0; i < entry.size; ++i) sum += entry.data[i];
    if (sum != entry.check) return fail(pos_ + 6 + 8 * 12, "crc: check %08x, data sums to %08x", entry.check, sum);
  } else if (entry.check != 0) {
    return fail(pos_ + 6 + 8 * 12, "newc: check field is %08x, not 0", entry.check);
  }

  const bool trailer = entry.name_len == sizeof kTrailer - 1 && bytes_equal(base_ + name_off, kTrailer, entry.name_len);
  if (trailer) {
    if (entry.size != 0) return fail(pos_, "TRAILER!!! has %llu data bytes", static_cast<unsigned long long>(entry.size));
    for (uint64_t i = next; i < size_; ++i) {
      if (base_[i] != 0) return fail(i, "byte 0x%02x after TRAILER!!! (only zero padding may follow)", base_[i]);
    }
    pos_ = size_;
    done_ = true;
    end = true;
    return kOkStatus;
  }
  pos_ = next;
  ++index_;
  return kOkStatus;
}

Status cpio_validate(const void* data, size_t size, CpioError* error) {
  CpioReader reader(data, size);
  CpioEntry entry;
  bool end = false;
  while (true) {
    Status st = reader.next(entry, end);
    if (!st.ok()) {
      if (error != nullptr) *error = reader.error();
      return st;
    }
    if (end) return kOkStatus;
  }
}

}  // namespace uk::vfs
