// Path handling for the VFS: normalisation of a domain's path and grant
// prefix matching. Internal form: the absolute path without its leading
// '/', components separated by one '/', no trailing '/': "/" is "",
// "/data//a/./b" is "data/a/b".
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk::vfs {

// Most bytes in a path a domain passes (UK_VFS_MAX_PATH_BYTES) and in any
// absolute path the VFS stores ("/" + internal form).
inline constexpr size_t kMaxPathBytes = 255;

struct NormalizedPath {
  char text[kMaxPathBytes + 1] = {};  // internal form, NUL-terminated
  size_t len = 0;
  bool trailing_slash = false;  // the caller wrote "/x/": x must be a directory
};

// Normalises `len` bytes at `path` (not NUL-terminated; a copy is taken
// before anything is checked). Rules, in this order:
//   len == 0                                   -> kNoEnt   (POSIX: empty path)
//   len > kMaxPathBytes                        -> kNameTooLong
//   a NUL byte inside                          -> kInval
//   not starting with '/'                      -> kInval   (no working directory)
//   a ".." component                           -> kInval   (never resolved, never escapes a grant)
// Empty components ("//") and "." components are dropped.
Status normalize_path(const char* path, size_t len, NormalizedPath& out);

// True if `text`/`len` (internal form) is canonical: no empty, "." or ".."
// component, no leading or trailing '/'. "" (the root) is canonical.
[[nodiscard]] bool is_canonical(const char* text, size_t len);

// True if internal path `p` lies at or below internal prefix `g` (component
// boundaries: "data" covers "data" and "data/x", not "database"; "" covers
// everything).
[[nodiscard]] bool path_within(const char* p, size_t p_len, const char* g, size_t g_len);

}  // namespace uk::vfs
