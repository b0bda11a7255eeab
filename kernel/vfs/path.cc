#include "kernel/vfs/path.h"

namespace uk::vfs {

Status normalize_path(const char* path, size_t len, NormalizedPath& out) {
  out = NormalizedPath{};
  if (len == 0) return Errno::kNoEnt;
  if (len > kMaxPathBytes) return Errno::kNameTooLong;
  if (path == nullptr) return Errno::kFault;
  char in[kMaxPathBytes];
  for (size_t i = 0; i < len; ++i) in[i] = path[i];  // one read of caller memory
  for (size_t i = 0; i < len; ++i) {
    if (in[i] == '\0') return Errno::kInval;
  }
  if (in[0] != '/') return Errno::kInval;
  size_t n = 0;
  size_t i = 0;
  while (i < len) {
    while (i < len && in[i] == '/') ++i;
    const size_t start = i;
    while (i < len && in[i] != '/') ++i;
    const size_t clen = i - start;
    if (clen == 0) break;  // only slashes left
    if (clen == 1 && in[start] == '.') continue;
    if (clen == 2 && in[start] == '.' && in[start + 1] == '.') return Errno::kInval;
    if (n != 0) out.text[n++] = '/';
    for (size_t k = 0; k < clen; ++k) out.text[n++] = in[start + k];
  }
  out.text[n] = '\0';
  out.len = n;
  // "/x/" and "/x/." name a directory; "/" itself is one anyway.
  size_t end = len;
  while (end > 0 && in[end - 1] == '/') --end;
  const bool dot_tail = end >= 2 && in[end - 1] == '.' && in[end - 2] == '/';
  out.trailing_slash = n != 0 && (end < len || dot_tail);
  return kOkStatus;
}

bool is_canonical(const char* text, size_t len) {
  if (len == 0) return true;
  size_t i = 0;
  while (i <= len) {
    const size_t start = i;
    while (i < len && text[i] != '/') {
      if (text[i] == '\0') return false;
      ++i;
    }
    const size_t clen = i - start;
    if (clen == 0) return false;
    if (clen == 1 && text[start] == '.') return false;
    if (clen == 2 && text[start] == '.' && text[start + 1] == '.') return false;
    ++i;  // past the '/' (or past the end)
  }
  return true;
}

bool path_within(const char* p, size_t p_len, const char* g, size_t g_len) {
  if (g_len == 0) return true;
  if (p_len < g_len) return false;
  for (size_t i = 0; i < g_len; ++i) {
    if (p[i] != g[i]) return false;
  }
  return p_len == g_len || p[g_len] == '/';
}

}  // namespace uk::vfs
