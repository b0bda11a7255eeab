#include "kernel/console/format.h"

#include <stdint.h>

namespace uk {
namespace {

class Writer {
 public:
  Writer(char* buf, size_t cap) : buf_(buf), cap_(cap) {}
  void put(char c) {
    if (len_ + 1 < cap_) buf_[len_] = c;
    ++len_;
  }
  void finish() {
    if (cap_ == 0) return;
    buf_[len_ < cap_ ? len_ : cap_ - 1] = '\0';
  }
  size_t length() const { return len_; }

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

struct Spec {
  bool left = false;
  bool zero = false;
  int width = 0;
};

void pad(Writer& w, int n, char c) {
  for (; n > 0; --n) w.put(c);
}

void emit_string(Writer& w, const char* s, const Spec& spec) {
  if (s == nullptr) s = "(null)";
  int len = 0;
  while (s[len]) ++len;
  if (!spec.left) pad(w, spec.width - len, ' ');
  for (int i = 0; i < len; ++i) w.put(s[i]);
  if (spec.left) pad(w, spec.width - len, ' ');
}

void emit_number(Writer& w, uint64_t value, bool negative, unsigned base, bool upper, const Spec& spec,
                 const char* prefix = "") {
  char digits[24];
  int n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = set[value % base];
    value /= base;
  } while (value != 0);
  int prefix_len = 0;
  while (prefix[prefix_len]) ++prefix_len;
  int total = n + (negative ? 1 : 0) + prefix_len;
  if (!spec.left && !spec.zero) pad(w, spec.width - total, ' ');
  if (negative) w.put('-');
  for (int i = 0; i < prefix_len; ++i) w.put(prefix[i]);
  if (!spec.left && spec.zero) pad(w, spec.width - total, '0');
  while (n > 0) w.put(digits[--n]);
  if (spec.left) pad(w, spec.width - total, ' ');
}

}  // namespace

size_t vformat(char* buf, size_t cap, const char* fmt, va_list args) {
  Writer w(buf, cap);
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (*p != '%') {
      w.put(*p);
      continue;
    }
    ++p;
    Spec spec;
    for (;; ++p) {
      if (*p == '-') spec.left = true;
      else if (*p == '0') spec.zero = true;
      else break;
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    int longs = 0;
    bool size_t_arg = false;
    for (;; ++p) {
      if (*p == 'l') ++longs;
      else if (*p == 'z') size_t_arg = true;
      else break;
    }
    auto fetch_unsigned = [&]() -> uint64_t {
      if (size_t_arg) return va_arg(args, size_t);
      if (longs == 1) return va_arg(args, unsigned long);
      if (longs >= 2) return va_arg(args, unsigned long long);
      return va_arg(args, unsigned int);
    };
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v;
        if (size_t_arg) v = static_cast<int64_t>(va_arg(args, size_t));
        else if (longs == 1) v = va_arg(args, long);
        else if (longs >= 2) v = va_arg(args, long long);
        else v = va_arg(args, int);
        uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        emit_number(w, magnitude, v < 0, 10, false, spec);
        break;
      }
      case 'u': emit_number(w, fetch_unsigned(), false, 10, false, spec); break;
      case 'x': emit_number(w, fetch_unsigned(), false, 16, false, spec); break;
      case 'X': emit_number(w, fetch_unsigned(), false, 16, true, spec); break;
      case 'p': {
        spec.zero = true;
        if (spec.width == 0) spec.width = 18;
        emit_number(w, reinterpret_cast<uintptr_t>(va_arg(args, void*)), false, 16, false, spec, "0x");
        break;
      }
      case 'c': w.put(static_cast<char>(va_arg(args, int))); break;
      case 's': emit_string(w, va_arg(args, const char*), spec); break;
      case '%': w.put('%'); break;
      case '\0': --p; break;  // a lone '%' at the end: print nothing more
      default:
        w.put('%');
        w.put(*p);
        break;
    }
  }
  w.finish();
  return w.length();
}

size_t format(char* buf, size_t cap, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  size_t n = vformat(buf, cap, fmt, args);
  va_end(args);
  return n;
}

}  // namespace uk
