#include "kernel/vfs/vfs.h"

#include <stdarg.h>
#include <string.h>

#include "kernel/console/format.h"

namespace uk::vfs {
namespace {

// Node ids: archive nodes 0 .. kMaxArchiveNodes - 1 (0 is the root), memory
// nodes kMemBase + index.
constexpr uint32_t kMemBase = kMaxArchiveNodes;
constexpr int32_t kNotFound = -1;
static_assert(kMemBase + kMaxMemNodes <= 0xFFFF, "node ids are 16 bits");

constexpr uint64_t kInt64Max = static_cast<uint64_t>(INT64_MAX);
constexpr uint64_t kNanosPerSecond = 1'000'000'000;

// Mode type bits (POSIX S_IF*; cpio stores them too).
constexpr uint32_t kTypeMask = UK_S_IFMT;
constexpr uint32_t kTypeDir = UK_S_IFDIR;
constexpr uint32_t kTypeFile = UK_S_IFREG;

enum class Rights : uint8_t { kNone, kRead, kReadWrite };

template <typename T>
constexpr T min_of(T a, T b) {
  return a < b ? a : b;
}

// ---- nodes -------------------------------------------------------------------

bool is_mem(uint32_t id) { return id >= kMemBase; }
MemNode& mem_node(Vfs& vfs, uint32_t id) { return vfs.mem[id - kMemBase]; }
const MemNode& mem_node(const Vfs& vfs, uint32_t id) { return vfs.mem[id - kMemBase]; }

NodeType node_type(const Vfs& vfs, uint32_t id) {
  return is_mem(id) ? mem_node(vfs, id).type : vfs.archive[id].type;
}

uint64_t node_size(const Vfs& vfs, uint32_t id) {
  if (node_type(vfs, id) != NodeType::kFile) return 0;
  return is_mem(id) ? mem_node(vfs, id).size : vfs.archive[id].size;
}

bool same_path(const char* a, size_t a_len, const char* b, size_t b_len) {
  return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

int32_t find_archive(const Vfs& vfs, const char* p, size_t len) {
  for (size_t i = 0; i < vfs.archive_count; ++i) {
    const ArchiveNode& n = vfs.archive[i];
    if (same_path(n.path, n.path_len, p, len)) return static_cast<int32_t>(i);
  }
  return kNotFound;
}

// Looks a path (internal form) up in the archive, then among memory nodes.
int32_t find_node(const Vfs& vfs, const char* p, size_t len) {
  const int32_t a = find_archive(vfs, p, len);
  if (a != kNotFound) return a;
  for (size_t i = 0; i < kMaxMemNodes; ++i) {
    const MemNode& n = vfs.mem[i];
    if (n.in_use && same_path(n.path, n.path_len, p, len)) return static_cast<int32_t>(kMemBase + i);
  }
  return kNotFound;
}

// ---- accounts and pages ----------------------------------------------------------

DomainAccount* find_account(Vfs& vfs, uint32_t domain_id) {
  if (domain_id == 0) return nullptr;
  for (DomainAccount& a : vfs.accounts) {
    if (a.in_use && a.domain_id == domain_id) return &a;
  }
  return nullptr;
}

uint8_t* page_at(Vfs& vfs, uint16_t page) { return vfs.pool + static_cast<size_t>(page) * kPageBytes; }

// The free list links pages through their first two bytes (little endian,
// byte stores: the pool needs no alignment).
void push_free(Vfs& vfs, uint16_t page) {
  uint8_t* p = page_at(vfs, page);
  p[0] = static_cast<uint8_t>(vfs.free_head);
  p[1] = static_cast<uint8_t>(vfs.free_head >> 8);
  vfs.free_head = page;
  ++vfs.free_pages;
}

// A zeroed page charged to `account` (nullptr: uncharged), or kNoPage when
// the pool or the account's quota is exhausted.
uint16_t alloc_page(Vfs& vfs, DomainAccount* account) {
  if (vfs.free_head == kNoPage) return kNoPage;
  if (account != nullptr && account->used_pages >= account->quota_pages) return kNoPage;
  const uint16_t page = vfs.free_head;
  uint8_t* p = page_at(vfs, page);
  vfs.free_head = static_cast<uint16_t>(p[0] | (p[1] << 8));
  --vfs.free_pages;
  memset(p, 0, kPageBytes);
  if (account != nullptr) ++account->used_pages;
  return page;
}

void release_page(Vfs& vfs, uint16_t page, DomainAccount* account) {
  // No stale data may reach the next file: pages are zeroed on allocation.
  push_free(vfs, page);
  if (account != nullptr && account->used_pages > 0) --account->used_pages;
}

uint64_t now_ns(const Vfs& vfs) { return vfs.config.now_ns != nullptr ? vfs.config.now_ns() : 0; }

// Sets a memory file's size; shrinking frees pages wholly past the end and
// zeroes the tail of the last page, so bytes past the end always read as 0.
void resize_mem(Vfs& vfs, MemNode& n, uint64_t length) {
  if (length < n.size) {
    DomainAccount* account = find_account(vfs, n.owner);
    const size_t keep = static_cast<size_t>((length + kPageBytes - 1) / kPageBytes);
    for (size_t i = keep; i < kMaxFilePages; ++i) {
      if (n.pages[i] != kNoPage) {
        release_page(vfs, n.pages[i], account);
        n.pages[i] = kNoPage;
      }
    }
    const size_t tail = static_cast<size_t>(length % kPageBytes);
    const size_t last = static_cast<size_t>(length / kPageBytes);
    if (tail != 0 && n.pages[last] != kNoPage) memset(page_at(vfs, n.pages[last]) + tail, 0, kPageBytes - tail);
  }
  n.size = length;
  n.mtime_ns = now_ns(vfs);
}

int32_t new_mem_node(Vfs& vfs, const char* p, size_t len, NodeType type, uint32_t perm, uint32_t owner) {
  for (size_t i = 0; i < kMaxMemNodes; ++i) {
    MemNode& n = vfs.mem[i];
    if (n.in_use) continue;
    n.in_use = true;
    n.type = type;
    n.perm = static_cast<uint16_t>(perm & UK_S_IPERM);
    n.path_len = static_cast<uint16_t>(len);
    memcpy(n.path, p, len);
    n.path[len] = '\0';
    n.owner = owner;
    n.size = 0;
    n.mtime_ns = now_ns(vfs);
    for (uint16_t& page : n.pages) page = kNoPage;
    return static_cast<int32_t>(kMemBase + i);
  }
  return kNotFound;
}

// ---- archive -> tree ----------------------------------------------------------

// An untrusted name for a message: printable ASCII, at most cap - 1 bytes
// ("..." marks a cut).
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

class TreeBuilder {
 public:
  TreeBuilder(Vfs& vfs, VfsInitError* error) : vfs_(vfs), error_(error) {}

  Status add(const CpioEntry& e);

 private:
  Status fail(const CpioEntry& e, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
  int32_t append(const char* p, size_t len);

  Vfs& vfs_;
  VfsInitError* error_;
};

Status TreeBuilder::fail(const CpioEntry& e, const char* fmt, ...) {
  if (error_ != nullptr) {
    char shown[64];
    printable(e.name, e.name_len, shown, sizeof shown);
    error_->offset = e.offset;
    size_t w = format(error_->message, sizeof error_->message, "cpio entry %u at offset %llu ('%s'): ", e.index,
                      static_cast<unsigned long long>(e.offset), shown);
    if (w < sizeof error_->message) {
      va_list args;
      va_start(args, fmt);
      vformat(error_->message + w, sizeof error_->message - w, fmt, args);
      va_end(args);
    }
  }
  return Errno::kInval;
}

int32_t TreeBuilder::append(const char* p, size_t len) {
  if (vfs_.archive_count >= kMaxArchiveNodes) return kNotFound;
  ArchiveNode& n = vfs_.archive[vfs_.archive_count];
  n = ArchiveNode{};
  n.path = p;
  n.path_len = static_cast<uint16_t>(len);
  return static_cast<int32_t>(vfs_.archive_count++);
}

Status TreeBuilder::add(const CpioEntry& e) {
  const char* p = e.name;
  size_t len = e.name_len;
  const bool root = len == 1 && p[0] == '.';
  if (!root) {
    if (len >= 2 && p[0] == '.' && p[1] == '/') {
      p += 2;
      len -= 2;
    } else if (len >= 1 && p[0] == '/') {
      p += 1;
      len -= 1;
    }
    if (len == 0) return fail(e, "empty name");
    if (!is_canonical(p, len)) return fail(e, "name is not canonical (empty, '.' or '..' component, or trailing '/')");
    if (len > kMaxPathBytes - 1) return fail(e, "name is %zu bytes (at most %zu)", len, kMaxPathBytes - 1);
  }
  const uint32_t type_bits = e.mode & kTypeMask;
  NodeType type;
  if (type_bits == kTypeFile) {
    type = NodeType::kFile;
    if (e.nlink != 1) return fail(e, "regular file with nlink %u (hard links are not supported)", e.nlink);
  } else if (type_bits == kTypeDir) {
    type = NodeType::kDir;
    if (e.size != 0) return fail(e, "directory with %llu data bytes", static_cast<unsigned long long>(e.size));
  } else {
    const char* what = "unknown type";
    switch (type_bits) {
      case 0120000: what = "symbolic link"; break;
      case 0020000: what = "character device"; break;
      case 0060000: what = "block device"; break;
      case 0010000: what = "FIFO"; break;
      case 0140000: what = "socket"; break;
      default: break;
    }
    char octal[12];
    size_t n = sizeof octal - 1;
    octal[n] = '\0';
    uint32_t m = e.mode;
    do {
      octal[--n] = static_cast<char>('0' + (m & 7));
      m >>= 3;
    } while (m != 0 && n > 0);
    return fail(e, "mode 0%s: %s (only regular files and directories are supported)", octal + n, what);
  }
  if (root) {
    ArchiveNode& r = vfs_.archive[0];
    if (r.explicit_entry) return fail(e, "duplicate entry for the root '.'");
    if (type != NodeType::kDir) return fail(e, "the root '.' is not a directory");
    r.explicit_entry = true;
    r.perm = static_cast<uint16_t>(e.mode & UK_S_IPERM);
    r.mtime = e.mtime;
    return kOkStatus;
  }
  // Parents: each must be a directory; missing ones are implied.
  for (size_t i = 0; i < len; ++i) {
    if (p[i] != '/') continue;
    const int32_t parent = find_archive(vfs_, p, i);
    if (parent == kNotFound) {
      const int32_t id = append(p, i);
      if (id == kNotFound) return fail(e, "too many entries (at most %zu nodes)", kMaxArchiveNodes);
      ArchiveNode& d = vfs_.archive[id];
      d.type = NodeType::kDir;
      d.perm = kDefaultDirPerm;
      d.mtime = e.mtime;
    } else if (vfs_.archive[parent].type != NodeType::kDir) {
      char parent_name[64];
      printable(p, i, parent_name, sizeof parent_name);
      return fail(e, "parent '%s' is a regular file", parent_name);
    }
  }
  int32_t id = find_archive(vfs_, p, len);
  if (id != kNotFound) {
    ArchiveNode& old = vfs_.archive[id];
    if (old.explicit_entry) return fail(e, "duplicate entry (the name appears twice)");
    if (type != NodeType::kDir) return fail(e, "regular file, but an earlier entry used it as a directory");
  } else {
    id = append(p, len);
    if (id == kNotFound) return fail(e, "too many entries (at most %zu nodes)", kMaxArchiveNodes);
  }
  ArchiveNode& n = vfs_.archive[id];
  n.type = type;
  n.explicit_entry = true;
  n.perm = static_cast<uint16_t>(e.mode & UK_S_IPERM);
  n.mtime = e.mtime;
  n.data = type == NodeType::kFile ? e.data : nullptr;
  n.size = type == NodeType::kFile ? e.size : 0;
  return kOkStatus;
}

// ---- handles and grants ----------------------------------------------------------

OpenFile* get_handle(DomainFiles& files, uint64_t handle) {
  if (files.vfs == nullptr || handle >= kMaxHandles) return nullptr;
  OpenFile& h = files.handles[handle];
  return h.in_use ? &h : nullptr;
}

Rights rights_for(const DomainFiles& files, const char* p, size_t len) {
  Rights r = Rights::kNone;
  for (uint32_t i = 0; i < files.grant_count; ++i) {
    const PathGrant& g = files.grants[i];
    if (!path_within(p, len, g.prefix + 1, g.len - 1)) continue;
    if (g.writable) return Rights::kReadWrite;
    r = Rights::kRead;
  }
  return r;
}

// Why a granted path does not exist: kNotDir when the nearest existing
// ancestor that the domain may see is a regular file, kNoEnt otherwise.
// Ancestors outside every grant are not looked at (no existence leak).
Errno missing_reason(const DomainFiles& files, const char* p, size_t len) {
  size_t cut = len;
  while (cut > 0) {
    while (cut > 0 && p[cut - 1] != '/') --cut;
    const size_t alen = cut > 0 ? cut - 1 : 0;  // ancestor p[0, alen)
    if (rights_for(files, p, alen) == Rights::kNone) return Errno::kNoEnt;
    const int32_t id = find_node(*files.vfs, p, alen);
    if (id != kNotFound) return node_type(*files.vfs, id) == NodeType::kFile ? Errno::kNotDir : Errno::kNoEnt;
    cut = alen;
  }
  return Errno::kNoEnt;
}

Status validate_grant(const PathGrant& g) {
  if (g.prefix == nullptr || g.len == 0 || g.len > kMaxPathBytes || g.prefix[0] != '/') return Errno::kInval;
  if (g.len == 1) return kOkStatus;  // "/"
  if (!is_canonical(g.prefix + 1, g.len - 1)) return Errno::kInval;
  return kOkStatus;
}

// Makes sure the directory `p` (internal form) and its ancestors exist,
// creating memory directories owned by the kernel where nothing is.
Status ensure_directory(Vfs& vfs, const char* p, size_t len) {
  for (size_t i = 0; i <= len; ++i) {
    if (i != len && p[i] != '/') continue;
    const int32_t id = find_node(vfs, p, i);
    if (id == kNotFound) {
      if (new_mem_node(vfs, p, i, NodeType::kDir, kDefaultDirPerm, 0) == kNotFound) return Errno::kNoSpc;
    } else if (node_type(vfs, id) != NodeType::kDir) {
      return Errno::kNotDir;
    }
  }
  return kOkStatus;
}

void copy_out(Vfs& vfs, uint32_t id, uint64_t off, uint8_t* dst, size_t n) {
  if (!is_mem(id)) {
    memcpy(dst, vfs.archive[id].data + off, n);
    return;
  }
  const MemNode& m = mem_node(vfs, id);
  size_t done = 0;
  while (done < n) {
    const uint64_t at = off + done;
    const size_t index = static_cast<size_t>(at / kPageBytes);
    const size_t in_page = static_cast<size_t>(at % kPageBytes);
    const size_t chunk = min_of(n - done, kPageBytes - in_page);
    if (m.pages[index] == kNoPage) {
      memset(dst + done, 0, chunk);
    } else {
      memcpy(dst + done, page_at(vfs, m.pages[index]) + in_page, chunk);
    }
    done += chunk;
  }
}

}  // namespace

// ---- set-up ----------------------------------------------------------------------

Status vfs_init(Vfs& vfs, const VfsConfig& config, VfsInitError* error) {
  if (error != nullptr) *error = VfsInitError{};
  vfs.ready = false;
  if ((config.pool == nullptr && config.pool_bytes != 0) || config.max_file_bytes == 0 ||
      config.max_file_bytes > kMaxFileBytesCap || (config.archive == nullptr && config.archive_bytes != 0)) {
    if (error != nullptr) format(error->message, sizeof error->message, "bad VfsConfig");
    return Errno::kInval;
  }
  vfs.config = config;
  vfs.max_file_bytes = config.max_file_bytes;
  vfs.archive_count = 0;
  for (MemNode& m : vfs.mem) m.in_use = false;
  for (DomainAccount& a : vfs.accounts) a = DomainAccount{};
  ArchiveNode& root = vfs.archive[vfs.archive_count++];
  root = ArchiveNode{};
  root.path = "";
  root.type = NodeType::kDir;
  root.perm = kDefaultDirPerm;

  if (config.archive_bytes != 0) {
    CpioReader reader(config.archive, config.archive_bytes);
    TreeBuilder builder(vfs, error);
    CpioEntry entry;
    bool end = false;
    while (true) {
      if (!reader.next(entry, end).ok()) {
        if (error != nullptr) {
          error->offset = reader.error().offset;
          format(error->message, sizeof error->message, "%s", reader.error().message);
        }
        return Errno::kInval;
      }
      if (end) break;
      Status st = builder.add(entry);
      if (!st.ok()) return st;
    }
  }

  vfs.pool = static_cast<uint8_t*>(config.pool);
  vfs.pool_pages = min_of(config.pool_bytes / kPageBytes, kMaxPoolPages);
  vfs.free_head = kNoPage;
  vfs.free_pages = 0;
  for (size_t i = vfs.pool_pages; i > 0; --i) push_free(vfs, static_cast<uint16_t>(i - 1));
  vfs.ready = true;
  return kOkStatus;
}

Status vfs_attach_domain(Vfs& vfs, DomainFiles& files, uint32_t domain_id, const PathGrant* grants,
                         size_t grant_count, uint64_t storage_quota_bytes) {
  if (!vfs.ready || domain_id == 0 || grant_count > kMaxPathGrants || (grants == nullptr && grant_count != 0))
    return Errno::kInval;
  for (size_t i = 0; i < grant_count; ++i) {
    Status st = validate_grant(grants[i]);
    if (!st.ok()) return st;
  }
  DomainAccount* account = find_account(vfs, domain_id);
  if (account == nullptr) {
    for (DomainAccount& a : vfs.accounts) {
      if (!a.in_use) {
        account = &a;
        break;
      }
    }
    if (account == nullptr) return Errno::kNoSpc;
  }
  for (size_t i = 0; i < grant_count; ++i) {
    if (!grants[i].writable) continue;
    Status st = ensure_directory(vfs, grants[i].prefix + 1, grants[i].len - 1);
    if (!st.ok()) return st;
  }
  if (!account->in_use) {
    *account = DomainAccount{};
    account->in_use = true;
    account->domain_id = domain_id;
  }
  account->quota_pages = storage_quota_bytes == kUnlimitedQuota
                             ? UINT64_MAX
                             : storage_quota_bytes / kPageBytes + (storage_quota_bytes % kPageBytes != 0 ? 1 : 0);
  files.vfs = &vfs;
  files.domain_id = domain_id;
  files.grant_count = static_cast<uint32_t>(grant_count);
  for (size_t i = 0; i < kMaxPathGrants; ++i) files.grants[i] = i < grant_count ? grants[i] : PathGrant{};
  for (OpenFile& h : files.handles) h = OpenFile{};
  return kOkStatus;
}

void vfs_close_all(DomainFiles& files) {
  for (OpenFile& h : files.handles) h = OpenFile{};
}

// ---- operations ------------------------------------------------------------------

Result<int> vfs_open(DomainFiles& files, const char* path, size_t path_len, uint64_t flags, uint64_t mode) {
  if (files.vfs == nullptr) return Errno::kBadF;
  Vfs& vfs = *files.vfs;
  if ((flags & ~static_cast<uint64_t>(kKnownOpenFlags)) != 0) return Errno::kInval;
  const uint32_t f = static_cast<uint32_t>(flags);
  const uint32_t access = f & kAccessModeMask;
  if (access == kAccessModeMask) return Errno::kInval;
  if ((f & UK_O_CREAT) != 0 && (f & UK_O_DIRECTORY) != 0) return Errno::kInval;
  if ((f & UK_O_TRUNC) != 0 && access == UK_O_RDONLY) return Errno::kInval;
  if ((mode & ~static_cast<uint64_t>(UK_S_IPERM)) != 0) return Errno::kInval;

  NormalizedPath np;
  Status st = normalize_path(path, path_len, np);
  if (!st.ok()) return st.error();
  const bool want_write = access != UK_O_RDONLY;
  const Rights rights = rights_for(files, np.text, np.len);
  if (rights == Rights::kNone) return Errno::kAcces;
  if (want_write && rights != Rights::kReadWrite) return Errno::kAcces;

  size_t slot = kMaxHandles;
  for (size_t i = 0; i < kMaxHandles; ++i) {
    if (!files.handles[i].in_use) {
      slot = i;
      break;
    }
  }
  if (slot == kMaxHandles) return Errno::kMFile;

  const bool must_be_dir = (f & UK_O_DIRECTORY) != 0 || np.trailing_slash;
  int32_t id = find_node(vfs, np.text, np.len);
  if (id != kNotFound) {
    if ((f & UK_O_CREAT) != 0 && (f & UK_O_EXCL) != 0) return Errno::kExist;
    const NodeType type = node_type(vfs, id);
    if (type == NodeType::kDir) {
      if (want_write) return Errno::kIsDir;
    } else {
      if (must_be_dir) return Errno::kNotDir;
      if (want_write && !is_mem(id)) return Errno::kRofs;
      if ((f & UK_O_TRUNC) != 0) resize_mem(vfs, mem_node(vfs, id), 0);
    }
  } else {
    if ((f & UK_O_CREAT) == 0) return missing_reason(files, np.text, np.len);
    if (np.trailing_slash) return Errno::kIsDir;
    if (rights != Rights::kReadWrite) return Errno::kAcces;
    size_t plen = np.len;
    while (plen > 0 && np.text[plen - 1] != '/') --plen;
    plen = plen > 0 ? plen - 1 : 0;  // parent np.text[0, plen)
    const int32_t parent = find_node(vfs, np.text, plen);
    if (parent == kNotFound) return missing_reason(files, np.text, np.len);
    if (node_type(vfs, parent) != NodeType::kDir) return Errno::kNotDir;
    DomainAccount* account = find_account(vfs, files.domain_id);
    if (account == nullptr || account->nodes >= kMaxMemNodesPerDomain) return Errno::kNoSpc;
    id = new_mem_node(vfs, np.text, np.len, NodeType::kFile, static_cast<uint32_t>(mode), files.domain_id);
    if (id == kNotFound) return Errno::kNoSpc;
    ++account->nodes;
  }
  OpenFile& h = files.handles[slot];
  h = OpenFile{};
  h.in_use = true;
  h.readable = access != UK_O_WRONLY;
  h.writable = want_write;
  h.node = static_cast<uint16_t>(id);
  h.flags = f & ~(UK_O_CREAT | UK_O_EXCL | UK_O_TRUNC);
  h.pos = 0;
  return static_cast<int>(slot);
}

Result<size_t> vfs_read(DomainFiles& files, uint64_t handle, void* buf, size_t len, uint64_t offset) {
  OpenFile* h = get_handle(files, handle);
  if (h == nullptr || !h->readable) return Errno::kBadF;
  Vfs& vfs = *files.vfs;
  if (node_type(vfs, h->node) == NodeType::kDir) return Errno::kIsDir;
  if (buf == nullptr && len > 0) return Errno::kInval;
  const bool current = offset == kOffsetCurrent;
  if (!current && offset > kInt64Max) return Errno::kInval;
  const uint64_t off = current ? h->pos : offset;
  const uint64_t size = node_size(vfs, h->node);
  size_t n = min_of(len, kMaxIoBytes);
  if (off >= size) {
    n = 0;
  } else {
    n = static_cast<size_t>(min_of<uint64_t>(n, size - off));
  }
  if (n > 0) copy_out(vfs, h->node, off, static_cast<uint8_t*>(buf), n);
  if (current) h->pos = off + n;
  return n;
}

Result<size_t> vfs_write(DomainFiles& files, uint64_t handle, const void* buf, size_t len, uint64_t offset) {
  OpenFile* h = get_handle(files, handle);
  if (h == nullptr || !h->writable) return Errno::kBadF;
  Vfs& vfs = *files.vfs;
  if (node_type(vfs, h->node) == NodeType::kDir) return Errno::kIsDir;
  if (!is_mem(h->node)) return Errno::kBadF;  // never: archive files do not open writable
  if (buf == nullptr && len > 0) return Errno::kInval;
  const bool current = offset == kOffsetCurrent;
  if (!current && offset > kInt64Max) return Errno::kInval;
  MemNode& m = mem_node(vfs, h->node);
  const uint64_t off = current ? ((h->flags & UK_O_APPEND) != 0 ? m.size : h->pos) : offset;
  if (len == 0) return size_t{0};
  if (off >= vfs.max_file_bytes) return Errno::kFBig;
  const size_t n = static_cast<size_t>(min_of<uint64_t>(min_of(len, kMaxIoBytes), vfs.max_file_bytes - off));
  DomainAccount* account = find_account(vfs, m.owner);
  const auto* src = static_cast<const uint8_t*>(buf);
  size_t done = 0;
  while (done < n) {
    const uint64_t at = off + done;
    const size_t index = static_cast<size_t>(at / kPageBytes);
    const size_t in_page = static_cast<size_t>(at % kPageBytes);
    const size_t chunk = min_of(n - done, kPageBytes - in_page);
    if (m.pages[index] == kNoPage) {
      const uint16_t page = alloc_page(vfs, account);
      if (page == kNoPage) break;
      m.pages[index] = page;
    }
    memcpy(page_at(vfs, m.pages[index]) + in_page, src + done, chunk);
    done += chunk;
  }
  if (done == 0) return Errno::kNoSpc;
  if (off + done > m.size) m.size = off + done;
  m.mtime_ns = now_ns(vfs);
  if (current) h->pos = off + done;
  return done;
}

Status vfs_stat_args_ok(uint64_t len, uint64_t flags) {
  if (len < sizeof(uk_stat) || flags != 0) return Errno::kInval;
  return kOkStatus;
}

Status vfs_stat(DomainFiles& files, uint64_t handle, uk_stat* out) {
  OpenFile* h = get_handle(files, handle);
  if (h == nullptr) return Errno::kBadF;
  if (out == nullptr) return Errno::kInval;
  const Vfs& vfs = *files.vfs;
  const uint32_t id = h->node;
  uk_stat s{};
  const NodeType type = node_type(vfs, id);
  s.ino = id + 1;
  s.size = node_size(vfs, id);
  s.nlink = type == NodeType::kDir ? 2 : 1;
  s.blksize = kPageBytes;
  s.open_flags = h->flags;
  if (is_mem(id)) {
    const MemNode& m = mem_node(vfs, id);
    s.mode = (type == NodeType::kDir ? kTypeDir : kTypeFile) | m.perm;
    s.mtime_ns = m.mtime_ns;
    uint64_t pages = 0;
    for (uint16_t page : m.pages) pages += page != kNoPage ? 1 : 0;
    s.blocks = pages * (kPageBytes / 512);
    s.flags = UK_STAT_F_MEMORY;
  } else {
    const ArchiveNode& a = vfs.archive[id];
    s.mode = (type == NodeType::kDir ? kTypeDir : kTypeFile) | a.perm;
    s.mtime_ns = static_cast<uint64_t>(a.mtime) * kNanosPerSecond;
    s.blocks = (s.size + 511) / 512;
    s.flags = UK_STAT_F_ARCHIVE;
  }
  *out = s;
  return kOkStatus;
}

Result<size_t> vfs_stat_copy(DomainFiles& files, uint64_t handle, void* buf, uint64_t len, uint64_t flags) {
  Status st = vfs_stat_args_ok(len, flags);
  if (!st.ok()) return st.error();
  uk_stat s;
  st = vfs_stat(files, handle, &s);
  if (!st.ok()) return st.error();
  if (buf == nullptr) return Errno::kInval;
  auto* dst = static_cast<uint8_t*>(buf);
  const auto* src = reinterpret_cast<const uint8_t*>(&s);
  for (size_t i = 0; i < sizeof s; ++i) dst[i] = src[i];
  return sizeof s;
}

Result<uint64_t> vfs_seek(DomainFiles& files, uint64_t handle, int64_t offset, uint64_t whence) {
  OpenFile* h = get_handle(files, handle);
  if (h == nullptr) return Errno::kBadF;
  __int128 base;
  switch (whence) {
    case UK_SEEK_SET: base = 0; break;
    case UK_SEEK_CUR: base = h->pos; break;
    case UK_SEEK_END: base = node_size(*files.vfs, h->node); break;
    default: return Errno::kInval;
  }
  const __int128 result = base + offset;
  if (result < 0) return Errno::kInval;
  if (result > static_cast<__int128>(kInt64Max)) return Errno::kOverflow;
  h->pos = static_cast<uint64_t>(result);
  return h->pos;
}

Status vfs_truncate(DomainFiles& files, uint64_t handle, uint64_t length) {
  OpenFile* h = get_handle(files, handle);
  if (h == nullptr || !h->writable) return Errno::kBadF;
  Vfs& vfs = *files.vfs;
  if (node_type(vfs, h->node) == NodeType::kDir) return Errno::kIsDir;
  if (!is_mem(h->node)) return Errno::kBadF;
  if (length > kInt64Max) return Errno::kInval;
  if (length > vfs.max_file_bytes) return Errno::kFBig;
  resize_mem(vfs, mem_node(vfs, h->node), length);
  return kOkStatus;
}

Status vfs_sync(DomainFiles& files, uint64_t handle, uint64_t flags) {
  if (get_handle(files, handle) == nullptr) return Errno::kBadF;
  if (flags != 0) return Errno::kInval;
  return kOkStatus;
}

Status vfs_close(DomainFiles& files, uint64_t handle) {
  OpenFile* h = get_handle(files, handle);
  if (h == nullptr) return Errno::kBadF;
  *h = OpenFile{};
  return kOkStatus;
}

size_t vfs_free_pages(const Vfs& vfs) { return vfs.free_pages; }

size_t vfs_mem_nodes_in_use(const Vfs& vfs) {
  size_t n = 0;
  for (const MemNode& m : vfs.mem) n += m.in_use ? 1 : 0;
  return n;
}

size_t vfs_open_handles(const DomainFiles& files) {
  size_t n = 0;
  for (const OpenFile& h : files.handles) n += h.in_use ? 1 : 0;
  return n;
}

uint64_t vfs_domain_used_pages(const Vfs& vfs, uint32_t domain_id) {
  for (const DomainAccount& a : vfs.accounts) {
    if (a.in_use && a.domain_id == domain_id) return a.used_pages;
  }
  return 0;
}

}  // namespace uk::vfs
