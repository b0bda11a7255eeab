// The VFS (kernel/vfs/vfs.h): the read-only tree from a GNU cpio newc
// archive of testdata/tree (BUILD), writable memory files, grants, handle
// tables, every open flag, seek, read/write offsets, stat, truncate, sync,
// close, and the storage limits.
#include "kernel/vfs/vfs.h"

#include <gtest/gtest.h>
#include <string.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/host/vfs/test_util.h"

namespace uk::vfs {
namespace {

using test::kDirMode;
using test::kFileMode;
using test::make_newc;
using test::NewcEntry;
using test::read_runfile;

constexpr uint32_t RDONLY = UK_O_RDONLY;
constexpr uint32_t WRONLY = UK_O_WRONLY;
constexpr uint32_t RDWR = UK_O_RDWR;
constexpr uint32_t CREAT = UK_O_CREAT;
constexpr uint32_t EXCL = UK_O_EXCL;
constexpr uint32_t TRUNC = UK_O_TRUNC;
constexpr uint32_t APPEND = UK_O_APPEND;
constexpr uint32_t NONBLOCK = UK_O_NONBLOCK;
constexpr uint32_t DIRECTORY = UK_O_DIRECTORY;
constexpr uint32_t CLOEXEC = UK_O_CLOEXEC;
constexpr uint64_t CUR = kOffsetCurrent;

uint64_t g_clock = 0;
uint64_t fake_now() { return g_clock; }

std::string big_text() {
  std::string s;
  char line[40];
  for (int i = 0; i < 200; ++i) {
    snprintf(line, sizeof line, "%04d abcdefghijklmnopqrstuvwxyz\n", i);
    s += line;
  }
  return s;
}

PathGrant ro(const char* p) { return PathGrant{p, strlen(p), false}; }
PathGrant rw(const char* p) { return PathGrant{p, strlen(p), true}; }

class VfsTest : public ::testing::Test {
 protected:
  static constexpr size_t kPoolPages = 32;

  void SetUp() override {
    archive_ = read_runfile("tests/host/vfs/tree.cpio");
    ASSERT_FALSE(archive_.empty());
    pool_.assign(kPoolPages * kPageBytes + 1, 0xEE);  // +1: the pool need not be aligned
    g_clock = 5;
    init({});
  }

  void init(VfsConfig c, bool expect_ok = true) {
    if (c.archive == nullptr && c.archive_bytes == 0 && !no_archive_) {
      c.archive = archive_.data();
      c.archive_bytes = archive_.size();
    }
    if (c.pool == nullptr && c.pool_bytes == 0) {
      c.pool = pool_.data() + 1;
      c.pool_bytes = kPoolPages * kPageBytes;
    }
    if (c.now_ns == nullptr) c.now_ns = fake_now;
    VfsInitError error;
    Status st = vfs_init(*vfs_, c, &error);
    if (expect_ok) {
      ASSERT_TRUE(st.ok()) << error.message;
    }
  }

  // Attaches `f` as domain `id`; fails the test if refused.
  void attach(DomainFiles& f, uint32_t id, std::vector<PathGrant> grants, uint64_t quota = kUnlimitedQuota) {
    ASSERT_TRUE(vfs_attach_domain(*vfs_, f, id, grants.data(), grants.size(), quota).ok());
  }

  static Result<int> open(DomainFiles& f, const std::string& path, uint64_t flags, uint64_t mode = 0644) {
    return vfs_open(f, path.data(), path.size(), flags, mode);
  }
  static Errno open_error(DomainFiles& f, const std::string& path, uint64_t flags, uint64_t mode = 0644) {
    Result<int> r = open(f, path, flags, mode);
    return r.error();
  }
  static int must_open(DomainFiles& f, const std::string& path, uint64_t flags, uint64_t mode = 0644) {
    Result<int> r = open(f, path, flags, mode);
    EXPECT_TRUE(r.ok()) << path << ": " << errno_name(r.error());
    return r.ok() ? *r : -1;
  }
  static std::string read(DomainFiles& f, int h, size_t len, uint64_t offset = CUR) {
    std::string buf(len, '\0');
    Result<size_t> r = vfs_read(f, h, buf.data(), len, offset);
    EXPECT_TRUE(r.ok()) << errno_name(r.error());
    buf.resize(r.ok() ? *r : 0);
    return buf;
  }
  static size_t write(DomainFiles& f, int h, const std::string& s, uint64_t offset = CUR) {
    Result<size_t> r = vfs_write(f, h, s.data(), s.size(), offset);
    EXPECT_TRUE(r.ok()) << errno_name(r.error());
    return r.ok() ? *r : 0;
  }
  static Errno write_error(DomainFiles& f, int h, const std::string& s, uint64_t offset = CUR) {
    Result<size_t> r = vfs_write(f, h, s.data(), s.size(), offset);
    return r.error();
  }
  static uk_stat stat(DomainFiles& f, int h) {
    uk_stat s;
    memset(&s, 0xAB, sizeof s);
    EXPECT_TRUE(vfs_stat(f, h, &s).ok());
    return s;
  }

  std::vector<uint8_t> archive_;
  std::vector<uint8_t> pool_;
  bool no_archive_ = false;
  std::unique_ptr<Vfs> vfs_ = std::make_unique<Vfs>();
  DomainFiles a_;
  DomainFiles b_;
};

// ---- the read-only tree --------------------------------------------------------

TEST_F(VfsTest, ReadsArchiveFiles) {
  attach(a_, 1, {ro("/")});
  int h = must_open(a_, "/data/hello.txt", RDONLY);
  EXPECT_EQ(h, 0);
  EXPECT_EQ(read(a_, h, 100), "hello, world\n");
  EXPECT_EQ(read(a_, h, 100), "");  // at the end
  int m = must_open(a_, "/etc/motd", RDONLY);
  EXPECT_EQ(m, 1);
  EXPECT_EQ(read(a_, m, 7), "Welcome");
  EXPECT_EQ(read(a_, m, 100), " to ukernel.\n");
  int n = must_open(a_, "/data/sub/nested.txt", RDONLY);
  EXPECT_EQ(read(a_, n, 100), "nested file\n");
  int e = must_open(a_, "/data/empty", RDONLY);
  EXPECT_EQ(read(a_, e, 10), "");
  const std::string big = big_text();
  int b = must_open(a_, "/data/big.txt", RDONLY);
  EXPECT_EQ(read(a_, b, 10000), big);
  EXPECT_EQ(read(a_, b, 32, 4096), big.substr(4096, 32));  // pread
  EXPECT_EQ(read(a_, b, 100, 6390), big.substr(6390));
  EXPECT_EQ(read(a_, b, 100, 6400), "");
  EXPECT_EQ(read(a_, b, 100, 1ull << 40), "");
}

TEST_F(VfsTest, StatOfArchiveFileAndDirectory) {
  attach(a_, 1, {ro("/")});
  int h = must_open(a_, "/data/hello.txt", RDONLY | NONBLOCK | CLOEXEC);
  uk_stat s = stat(a_, h);
  EXPECT_EQ(s.size, 13u);
  EXPECT_EQ(s.mode, UK_S_IFREG | 0644u);
  EXPECT_EQ(s.nlink, 1u);
  EXPECT_EQ(s.mtime_ns, 1700000000ull * 1000000000ull);
  EXPECT_EQ(s.blocks, 1u);
  EXPECT_EQ(s.blksize, 4096u);
  EXPECT_EQ(s.flags, UK_STAT_F_ARCHIVE);
  EXPECT_EQ(s.open_flags, RDONLY | NONBLOCK | CLOEXEC);
  EXPECT_EQ(s.reserved0, 0u);
  EXPECT_EQ(s.reserved1, 0u);
  uk_stat big = stat(a_, must_open(a_, "/data/big.txt", RDONLY));
  EXPECT_EQ(big.size, 6400u);
  EXPECT_EQ(big.blocks, 13u);
  EXPECT_NE(big.ino, s.ino);
  int d = must_open(a_, "/data", RDONLY | DIRECTORY);
  uk_stat ds = stat(a_, d);
  EXPECT_EQ(ds.mode, UK_S_IFDIR | 0755u);
  EXPECT_EQ(ds.size, 0u);
  EXPECT_EQ(ds.nlink, 2u);
  EXPECT_EQ(ds.open_flags, RDONLY | DIRECTORY);
  int root = must_open(a_, "/", RDONLY);
  EXPECT_EQ(stat(a_, root).mode, UK_S_IFDIR | 0755u);
  EXPECT_EQ(stat(a_, root).ino, 1u);
  // Opening the same file twice gives the same node.
  EXPECT_EQ(stat(a_, must_open(a_, "/data/hello.txt", RDONLY)).ino, s.ino);
  EXPECT_EQ(vfs_stat(a_, h, nullptr).error(), Errno::kInval);
  EXPECT_EQ(vfs_stat(a_, 15, &s).error(), Errno::kBadF);
}

TEST_F(VfsTest, StatArgumentRules) {
  EXPECT_TRUE(vfs_stat_args_ok(64, 0).ok());
  EXPECT_TRUE(vfs_stat_args_ok(4096, 0).ok());
  EXPECT_EQ(vfs_stat_args_ok(63, 0).error(), Errno::kInval);
  EXPECT_EQ(vfs_stat_args_ok(0, 0).error(), Errno::kInval);
  EXPECT_EQ(vfs_stat_args_ok(64, 1).error(), Errno::kInval);
  // The op-shaped form copies to any alignment and returns 64.
  attach(a_, 1, {ro("/")});
  int h = must_open(a_, "/data/hello.txt", RDONLY);
  std::vector<uint8_t> buf(200, 0xCC);
  Result<size_t> r = vfs_stat_copy(a_, h, buf.data() + 3, 100, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, sizeof(uk_stat));
  uk_stat s;
  memcpy(&s, buf.data() + 3, sizeof s);
  EXPECT_EQ(s.size, 13u);
  EXPECT_EQ(s.mode, UK_S_IFREG | 0644u);
  EXPECT_EQ(buf[3 + 64], 0xCC);  // exactly 64 bytes written
  EXPECT_EQ(buf[2], 0xCC);
  EXPECT_EQ(vfs_stat_copy(a_, h, buf.data(), 63, 0).error(), Errno::kInval);
  EXPECT_EQ(vfs_stat_copy(a_, h, buf.data(), 64, 2).error(), Errno::kInval);
  EXPECT_EQ(vfs_stat_copy(a_, 9, buf.data(), 64, 0).error(), Errno::kBadF);
}

TEST_F(VfsTest, ImpliedParentDirectories) {
  // GNU cpio archive listing only files, names without "./".
  archive_ = read_runfile("tests/host/vfs/tree_nodirs.cpio");
  init({});
  attach(a_, 1, {ro("/")});
  int h = must_open(a_, "/data/sub/nested.txt", RDONLY);
  EXPECT_EQ(read(a_, h, 100), "nested file\n");
  int d = must_open(a_, "/data/sub", DIRECTORY);
  EXPECT_EQ(stat(a_, d).mode, UK_S_IFDIR | 0755u);
  EXPECT_EQ(open_error(a_, "/tmp", RDONLY), Errno::kNoEnt);  // not in this archive
}

TEST_F(VfsTest, NoArchiveMeansOnlyTheRoot) {
  no_archive_ = true;
  init({});
  attach(a_, 1, {ro("/")});
  int root = must_open(a_, "/", DIRECTORY);
  EXPECT_EQ(stat(a_, root).mode, UK_S_IFDIR | 0755u);
  EXPECT_EQ(open_error(a_, "/data", RDONLY), Errno::kNoEnt);
}

std::string init_error(Vfs& vfs, const std::vector<uint8_t>& archive) {
  VfsConfig c;
  c.archive = archive.data();
  c.archive_bytes = archive.size();
  VfsInitError error;
  Status st = vfs_init(vfs, c, &error);
  return st.ok() ? std::string("OK") : std::string(error.message);
}

TEST_F(VfsTest, RefusesUnsupportedMembersFromGnuCpio) {
  std::string msg = init_error(*vfs_, read_runfile("tests/host/vfs/tree_symlink.cpio"));
  EXPECT_NE(msg.find("symbolic link"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'link'"), std::string::npos) << msg;
  msg = init_error(*vfs_, read_runfile("tests/host/vfs/tree_hardlink.cpio"));
  EXPECT_NE(msg.find("hard links are not supported"), std::string::npos) << msg;
  msg = init_error(*vfs_, read_runfile("tests/host/vfs/tree_fifo.cpio"));
  EXPECT_NE(msg.find("FIFO"), std::string::npos) << msg;
  EXPECT_FALSE(vfs_->ready);
}

TEST_F(VfsTest, CorruptArchiveIsRefusedWithTheReason) {
  std::vector<uint8_t> a = archive_;
  a[0] = '1';
  const std::string msg = init_error(*vfs_, a);
  EXPECT_NE(msg.find("bad magic"), std::string::npos) << msg;
  std::vector<uint8_t> t(archive_.begin(), archive_.begin() + archive_.size() / 2);
  EXPECT_NE(init_error(*vfs_, t).find("truncated"), std::string::npos) << init_error(*vfs_, t);
}

TEST_F(VfsTest, ArchiveNameRules) {
  Vfs& v = *vfs_;
  auto check = [&](std::vector<NewcEntry> entries) { return init_error(v, make_newc(entries)); };
  // Accepted spellings: "./x", "x", "/x", and "." for the root.
  EXPECT_EQ(check({{.name = "./a", .mode = kDirMode}, {.name = "a/b", .data = "1"}, {.name = "/c", .data = "2"},
                   {.name = ".", .mode = 040700}}),
            "OK");
  DomainFiles f;
  PathGrant all = ro("/");
  ASSERT_TRUE(vfs_attach_domain(v, f, 1, &all, 1, 0).ok());
  EXPECT_EQ(stat(f, must_open(f, "/", RDONLY)).mode, UK_S_IFDIR | 0700u);
  EXPECT_EQ(read(f, must_open(f, "/a/b", RDONLY), 10), "1");
  EXPECT_EQ(read(f, must_open(f, "/c", RDONLY), 10), "2");

  EXPECT_NE(check({{.name = "a/../b"}}).find("not canonical"), std::string::npos);
  EXPECT_NE(check({{.name = ".."}}).find("not canonical"), std::string::npos);
  EXPECT_NE(check({{.name = "a//b"}}).find("not canonical"), std::string::npos);
  EXPECT_NE(check({{.name = "a/./b"}}).find("not canonical"), std::string::npos);
  EXPECT_NE(check({{.name = "a/", .mode = kDirMode}}).find("not canonical"), std::string::npos);
  EXPECT_NE(check({{.name = "./"}}).find("empty name"), std::string::npos);
  EXPECT_NE(check({{.name = "/"}}).find("empty name"), std::string::npos);
  EXPECT_NE(check({{.name = ""}}).find("empty name"), std::string::npos);
  EXPECT_NE(check({{.name = std::string(255, 'n')}}).find("at most 254"), std::string::npos);
  EXPECT_EQ(check({{.name = std::string(254, 'n')}}), "OK");
}

TEST_F(VfsTest, ArchiveStructureRules) {
  Vfs& v = *vfs_;
  auto check = [&](std::vector<NewcEntry> entries) { return init_error(v, make_newc(entries)); };
  EXPECT_NE(check({{.name = "x"}, {.name = "./x"}}).find("duplicate entry"), std::string::npos);
  EXPECT_NE(check({{.name = ".", .mode = kDirMode}, {.name = ".", .mode = kDirMode}}).find("duplicate entry for the root"),
            std::string::npos);
  EXPECT_NE(check({{.name = "."}}).find("root '.' is not a directory"), std::string::npos);
  EXPECT_NE(check({{.name = "f"}, {.name = "f/g"}}).find("parent 'f' is a regular file"), std::string::npos);
  // A directory listed after its children (implied first): fine, and it
  // takes the listed permissions. A file where a directory was implied: no.
  EXPECT_EQ(check({{.name = "d/x"}, {.name = "d", .mode = 040711}}), "OK");
  EXPECT_NE(check({{.name = "d/x"}, {.name = "d"}}).find("used it as a directory"), std::string::npos);
  EXPECT_NE(check({{.name = "d", .mode = kDirMode, .data = "x"}}).find("directory with 1 data bytes"),
            std::string::npos);
  EXPECT_NE(check({{.name = "f", .nlink = 0}}).find("nlink 0"), std::string::npos);
  EXPECT_NE(check({{.name = "dev", .mode = 020644}}).find("character device"), std::string::npos);
  EXPECT_NE(check({{.name = "blk", .mode = 060644}}).find("block device"), std::string::npos);
  EXPECT_NE(check({{.name = "sock", .mode = 0140755}}).find("socket"), std::string::npos);
  EXPECT_NE(check({{.name = "what", .mode = 0644}}).find("mode 0644: unknown type"), std::string::npos);
}

TEST_F(VfsTest, ArchiveNodeLimit) {
  std::vector<NewcEntry> entries;
  for (size_t i = 0; i + 1 < kMaxArchiveNodes; ++i) entries.push_back({.name = "f" + std::to_string(i)});
  EXPECT_EQ(init_error(*vfs_, make_newc(entries)), "OK");  // the root + 511 files
  entries.push_back({.name = "one-too-many"});
  EXPECT_NE(init_error(*vfs_, make_newc(entries)).find("too many entries (at most 512"), std::string::npos);
  // Implied directories count too.
  entries.pop_back();
  entries.back().name = "dir/file";
  EXPECT_NE(init_error(*vfs_, make_newc(entries)).find("too many entries"), std::string::npos);
}

TEST_F(VfsTest, BadConfig) {
  VfsConfig c;
  c.max_file_bytes = 0;
  EXPECT_EQ(vfs_init(*vfs_, c, nullptr).error(), Errno::kInval);
  c.max_file_bytes = kMaxFileBytesCap + 1;
  EXPECT_EQ(vfs_init(*vfs_, c, nullptr).error(), Errno::kInval);
  c = VfsConfig{};
  c.pool_bytes = 4096;
  EXPECT_EQ(vfs_init(*vfs_, c, nullptr).error(), Errno::kInval);
  c = VfsConfig{};
  c.archive_bytes = 10;
  EXPECT_EQ(vfs_init(*vfs_, c, nullptr).error(), Errno::kInval);
  DomainFiles f;
  EXPECT_EQ(vfs_attach_domain(*vfs_, f, 1, nullptr, 0, 0).error(), Errno::kInval);  // not ready
}

// ---- paths -------------------------------------------------------------------------

TEST_F(VfsTest, PathNormalisation) {
  attach(a_, 1, {ro("/")});
  for (const char* p : {"/data/hello.txt", "//data//hello.txt", "/./data/./hello.txt", "/data/sub/../hello.txt"}) {
    Result<int> r = open(a_, p, RDONLY);
    if (strstr(p, "..") != nullptr) {
      EXPECT_EQ(r.error(), Errno::kInval) << p;  // ".." is never resolved
    } else {
      ASSERT_TRUE(r.ok()) << p;
      EXPECT_EQ(read(a_, *r, 5), "hello") << p;
      EXPECT_TRUE(vfs_close(a_, *r).ok());
    }
  }
  EXPECT_EQ(open_error(a_, "", RDONLY), Errno::kNoEnt);
  EXPECT_EQ(open_error(a_, "data/hello.txt", RDONLY), Errno::kInval);  // relative
  EXPECT_EQ(open_error(a_, "/..", RDONLY), Errno::kInval);
  EXPECT_EQ(open_error(a_, std::string("/data/hello.txt\0x", 17), RDONLY), Errno::kInval);  // NUL inside
  EXPECT_EQ(open_error(a_, "/" + std::string(255, 'a'), RDONLY), Errno::kNameTooLong);
  EXPECT_EQ(open_error(a_, "/" + std::string(254, 'a'), RDONLY), Errno::kNoEnt);
  // path_len counts the bytes: no NUL is needed, bytes after it are ignored.
  const char text[] = "/etc/motdXXXX";
  Result<int> r = vfs_open(a_, text, 9, RDONLY, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(read(a_, *r, 7), "Welcome");
  EXPECT_EQ(vfs_open(a_, nullptr, 5, RDONLY, 0).error(), Errno::kFault);
}

TEST_F(VfsTest, PathHelpers) {
  NormalizedPath np;
  ASSERT_TRUE(normalize_path("/a//b/./c/", 10, np).ok());
  EXPECT_STREQ(np.text, "a/b/c");
  EXPECT_TRUE(np.trailing_slash);
  ASSERT_TRUE(normalize_path("/a/.", 4, np).ok());
  EXPECT_STREQ(np.text, "a");
  EXPECT_TRUE(np.trailing_slash);
  ASSERT_TRUE(normalize_path("///", 3, np).ok());
  EXPECT_STREQ(np.text, "");
  EXPECT_FALSE(np.trailing_slash);
  ASSERT_TRUE(normalize_path("/...", 4, np).ok());  // "..." is an ordinary name
  EXPECT_STREQ(np.text, "...");
  EXPECT_TRUE(path_within("data/x", 6, "data", 4));
  EXPECT_TRUE(path_within("data", 4, "data", 4));
  EXPECT_FALSE(path_within("database", 8, "data", 4));
  EXPECT_FALSE(path_within("dat", 3, "data", 4));
  EXPECT_TRUE(path_within("anything", 8, "", 0));
  EXPECT_TRUE(is_canonical("", 0));
  EXPECT_TRUE(is_canonical("a/b", 3));
  EXPECT_FALSE(is_canonical("/a", 2));
  EXPECT_FALSE(is_canonical("a/", 2));
  EXPECT_FALSE(is_canonical("a/../b", 6));
}

TEST_F(VfsTest, TrailingSlashNeedsADirectory) {
  attach(a_, 1, {rw("/")});
  EXPECT_TRUE(open(a_, "/data/", RDONLY).ok());
  EXPECT_EQ(open_error(a_, "/data/hello.txt/", RDONLY), Errno::kNotDir);
  EXPECT_EQ(open_error(a_, "/tmp/new/", RDWR | CREAT), Errno::kIsDir);
  EXPECT_EQ(open_error(a_, "/tmp/new/", RDONLY), Errno::kNoEnt);
}

// ---- grants ------------------------------------------------------------------------

TEST_F(VfsTest, OutsideEveryGrantIsEaccesWhetherOrNotItExists) {
  attach(a_, 1, {ro("/data")});
  EXPECT_EQ(open_error(a_, "/etc/motd", RDONLY), Errno::kAcces);        // exists
  EXPECT_EQ(open_error(a_, "/etc/nothing", RDONLY), Errno::kAcces);     // does not
  EXPECT_EQ(open_error(a_, "/nothing/at/all", RDONLY), Errno::kAcces);  // neither does its parent
  EXPECT_EQ(open_error(a_, "/", RDONLY), Errno::kAcces);                // above the grant
  EXPECT_EQ(open_error(a_, "/database", RDONLY), Errno::kAcces);        // prefix, not component
  EXPECT_EQ(open_error(a_, "/etc/new", RDWR | CREAT), Errno::kAcces);
  EXPECT_TRUE(open(a_, "/data", DIRECTORY).ok());
  EXPECT_TRUE(open(a_, "/data/sub/nested.txt", RDONLY).ok());
  EXPECT_EQ(open_error(a_, "/data/missing", RDONLY), Errno::kNoEnt);  // inside: existence is visible
  // No grants at all: nothing is visible.
  attach(b_, 2, {});
  EXPECT_EQ(open_error(b_, "/data/hello.txt", RDONLY), Errno::kAcces);
}

TEST_F(VfsTest, ReadOnlyGrantRefusesWriteAccessAndCreation) {
  attach(a_, 1, {ro("/data"), ro("/tmp")});
  EXPECT_EQ(open_error(a_, "/data/hello.txt", WRONLY), Errno::kAcces);
  EXPECT_EQ(open_error(a_, "/data/hello.txt", RDWR), Errno::kAcces);
  EXPECT_EQ(open_error(a_, "/data/hello.txt", WRONLY | TRUNC), Errno::kAcces);
  EXPECT_EQ(open_error(a_, "/tmp/new", RDONLY | CREAT), Errno::kAcces);
  EXPECT_EQ(open_error(a_, "/tmp/new", RDWR | CREAT), Errno::kAcces);
  // O_CREAT of an existing file creates nothing: allowed read-only.
  EXPECT_TRUE(open(a_, "/data/hello.txt", RDONLY | CREAT).ok());
  EXPECT_EQ(open_error(a_, "/data/hello.txt", RDONLY | CREAT | EXCL), Errno::kExist);
}

TEST_F(VfsTest, ArchiveFilesAreReadOnlyEvenUnderAWritableGrant) {
  attach(a_, 1, {rw("/data")});
  EXPECT_EQ(open_error(a_, "/data/hello.txt", WRONLY), Errno::kRofs);
  EXPECT_EQ(open_error(a_, "/data/hello.txt", RDWR), Errno::kRofs);
  EXPECT_EQ(open_error(a_, "/data/hello.txt", WRONLY | TRUNC), Errno::kRofs);
  EXPECT_EQ(open_error(a_, "/data/hello.txt", RDWR | APPEND), Errno::kRofs);
  EXPECT_EQ(open_error(a_, "/data", RDWR), Errno::kIsDir);
  // New files may be created in an archive directory under the grant.
  int h = must_open(a_, "/data/new.txt", RDWR | CREAT);
  EXPECT_EQ(write(a_, h, "fresh"), 5u);
  EXPECT_EQ(stat(a_, h).flags, UK_STAT_F_MEMORY);
}

TEST_F(VfsTest, WritableGrantGetsItsDirectory) {
  attach(a_, 7, {rw("/var/app/cache"), ro("/var")});
  // /var, /var/app and /var/app/cache did not exist: attach made them.
  int d = must_open(a_, "/var/app/cache", DIRECTORY);
  uk_stat s = stat(a_, d);
  EXPECT_EQ(s.mode, UK_S_IFDIR | 0755u);
  EXPECT_EQ(s.flags, UK_STAT_F_MEMORY);
  EXPECT_TRUE(open(a_, "/var/app", DIRECTORY).ok());
  int h = must_open(a_, "/var/app/cache/log", WRONLY | CREAT, 0600);
  EXPECT_EQ(stat(a_, h).mode, UK_S_IFREG | 0600u);
  // No mkdir: a file cannot be created in a directory that does not exist.
  EXPECT_EQ(open_error(a_, "/var/app/cache/sub/file", WRONLY | CREAT), Errno::kNoEnt);
  // The read-only part of the view cannot be written.
  EXPECT_EQ(open_error(a_, "/var/app/other", WRONLY | CREAT), Errno::kAcces);
  EXPECT_EQ(vfs_mem_nodes_in_use(*vfs_), 4u);  // /var, /var/app, /var/app/cache, log
  // Attaching again (same grants) creates nothing new.
  attach(a_, 7, {rw("/var/app/cache")});
  EXPECT_EQ(vfs_mem_nodes_in_use(*vfs_), 4u);
  // A grant on an existing archive directory creates nothing.
  attach(b_, 8, {rw("/tmp"), rw("/data/sub")});
  EXPECT_EQ(vfs_mem_nodes_in_use(*vfs_), 4u);
}

TEST_F(VfsTest, GrantValidation) {
  auto attach_error = [&](std::vector<PathGrant> g) {
    return vfs_attach_domain(*vfs_, a_, 1, g.data(), g.size(), 0).error();
  };
  EXPECT_EQ(attach_error({ro("data")}), Errno::kInval);
  EXPECT_EQ(attach_error({ro("/data/")}), Errno::kInval);
  EXPECT_EQ(attach_error({ro("/a//b")}), Errno::kInval);
  EXPECT_EQ(attach_error({ro("/a/./b")}), Errno::kInval);
  EXPECT_EQ(attach_error({ro("/a/../b")}), Errno::kInval);
  EXPECT_EQ(attach_error({ro("")}), Errno::kInval);
  EXPECT_EQ(attach_error({PathGrant{nullptr, 3, false}}), Errno::kInval);
  EXPECT_EQ(attach_error(std::vector<PathGrant>(kMaxPathGrants + 1, ro("/data"))), Errno::kInval);
  EXPECT_EQ(attach_error(std::vector<PathGrant>(kMaxPathGrants, ro("/data"))), Errno::kOk);
  EXPECT_EQ(attach_error({rw("/data/hello.txt")}), Errno::kNotDir);  // a file cannot be a rw grant's directory
  EXPECT_EQ(attach_error({rw("/data/hello.txt/x")}), Errno::kNotDir);
  EXPECT_EQ(attach_error({ro("/data/hello.txt")}), Errno::kOk);  // a read-only grant of one file is fine
  EXPECT_EQ(vfs_attach_domain(*vfs_, a_, 0, nullptr, 0, 0).error(), Errno::kInval);  // domain id 0
}

TEST_F(VfsTest, SingleFileGrant) {
  attach(a_, 1, {ro("/data/hello.txt")});
  EXPECT_TRUE(open(a_, "/data/hello.txt", RDONLY).ok());
  EXPECT_EQ(open_error(a_, "/data/big.txt", RDONLY), Errno::kAcces);
  EXPECT_EQ(open_error(a_, "/data", DIRECTORY), Errno::kAcces);
}

TEST_F(VfsTest, NotDirOnlyInsideTheGrant) {
  attach(a_, 1, {ro("/data")});
  EXPECT_EQ(open_error(a_, "/data/hello.txt/x", RDONLY), Errno::kNotDir);
  EXPECT_EQ(open_error(a_, "/data/hello.txt/x/y", RDONLY), Errno::kNotDir);
  EXPECT_EQ(open_error(a_, "/data/nothing/x", RDONLY), Errno::kNoEnt);
  // A grant below a file: the file's existence is outside the view.
  attach(b_, 2, {ro("/data/hello.txt/x")});
  EXPECT_EQ(open_error(b_, "/data/hello.txt/x", RDONLY), Errno::kNoEnt);
  EXPECT_EQ(open_error(b_, "/data/hello.txt/x/y", RDONLY), Errno::kNoEnt);
}

TEST_F(VfsTest, GrantsUnionTheirRights) {
  attach(a_, 1, {ro("/"), rw("/tmp")});
  int h = must_open(a_, "/tmp/x", RDWR | CREAT | EXCL);
  EXPECT_EQ(write(a_, h, "abc"), 3u);
  EXPECT_EQ(open_error(a_, "/etc/x", RDWR | CREAT), Errno::kAcces);
  EXPECT_TRUE(open(a_, "/etc/motd", RDONLY).ok());
}

TEST_F(VfsTest, FilesAreSharedBetweenDomainsThroughGrants) {
  attach(a_, 1, {rw("/tmp")});
  attach(b_, 2, {ro("/tmp")});
  int w = must_open(a_, "/tmp/shared", WRONLY | CREAT | EXCL);
  EXPECT_EQ(write(a_, w, "from a"), 6u);
  int r = must_open(b_, "/tmp/shared", RDONLY);
  EXPECT_EQ(r, 0);  // b's own table
  EXPECT_EQ(read(b_, r, 100), "from a");
  EXPECT_EQ(open_error(b_, "/tmp/shared", WRONLY), Errno::kAcces);
  EXPECT_EQ(vfs_write(b_, r, "x", 1, CUR).error(), Errno::kBadF);
  // Handles are per domain: a's handle 0 is not b's.
  EXPECT_TRUE(vfs_close(b_, 0).ok());
  EXPECT_EQ(write(a_, w, "!"), 1u);
}

// ---- flags --------------------------------------------------------------------------

TEST_F(VfsTest, FlagValidation) {
  attach(a_, 1, {rw("/")});
  EXPECT_EQ(open_error(a_, "/tmp/f", 3), Errno::kInval);  // access mode 3
  EXPECT_EQ(open_error(a_, "/tmp/f", RDONLY | 0x4), Errno::kInval);
  EXPECT_EQ(open_error(a_, "/tmp/f", RDONLY | 0x100000), Errno::kInval);  // O_SYNC-like: unknown here
  EXPECT_EQ(open_error(a_, "/tmp/f", RDONLY | (1ull << 40)), Errno::kInval);
  EXPECT_EQ(open_error(a_, "/tmp/f", CREAT | DIRECTORY), Errno::kInval);
  EXPECT_EQ(open_error(a_, "/data/hello.txt", RDONLY | TRUNC), Errno::kInval);
  EXPECT_EQ(open_error(a_, "/tmp/f", RDWR | CREAT, 01777), Errno::kInval);
  EXPECT_EQ(open_error(a_, "/tmp/f", RDWR | CREAT, 1ull << 33), Errno::kInval);
  EXPECT_EQ(open_error(a_, "/tmp/f", RDWR), Errno::kNoEnt);  // nothing created above
}

TEST_F(VfsTest, CreateAndExcl) {
  attach(a_, 1, {rw("/tmp")});
  g_clock = 777;
  int h = must_open(a_, "/tmp/a", RDWR | CREAT | EXCL, 0640);
  uk_stat s = stat(a_, h);
  EXPECT_EQ(s.mode, UK_S_IFREG | 0640u);
  EXPECT_EQ(s.size, 0u);
  EXPECT_EQ(s.mtime_ns, 777u);
  EXPECT_EQ(s.open_flags, RDWR);  // CREAT/EXCL/TRUNC are not kept
  EXPECT_EQ(open_error(a_, "/tmp/a", RDWR | CREAT | EXCL), Errno::kExist);
  EXPECT_EQ(stat(a_, must_open(a_, "/tmp/a", RDWR | CREAT)).ino, s.ino);  // no EXCL: opens it
  EXPECT_EQ(stat(a_, must_open(a_, "/tmp/a", RDONLY | EXCL)).ino, s.ino);  // EXCL without CREAT: ignored
  EXPECT_EQ(open_error(a_, "/tmp", RDONLY | CREAT | EXCL), Errno::kExist);
  EXPECT_EQ(open_error(a_, "/tmp/nothing/x", RDWR | CREAT), Errno::kNoEnt);
  EXPECT_EQ(open_error(a_, "/tmp/a/x", RDWR | CREAT), Errno::kNotDir);
  EXPECT_EQ(open_error(a_, "/tmp/a/x", RDONLY), Errno::kNotDir);
}

TEST_F(VfsTest, Truncate) {
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/t", RDWR | CREAT);
  EXPECT_EQ(write(a_, h, std::string(100, 'x')), 100u);
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 1), 1u);
  // O_TRUNC empties an existing memory file and frees its pages.
  int t = must_open(a_, "/tmp/t", WRONLY | TRUNC);
  EXPECT_EQ(stat(a_, t).size, 0u);
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 1), 0u);
  EXPECT_EQ(write(a_, h, std::string(100, 'y'), 0), 100u);
  // Shrinking zeroes what is cut off: growing again reads zeros.
  ASSERT_TRUE(vfs_truncate(a_, h, 10).ok());
  EXPECT_EQ(stat(a_, h).size, 10u);
  ASSERT_TRUE(vfs_truncate(a_, h, 100).ok());
  EXPECT_EQ(read(a_, h, 200, 0), std::string(10, 'y') + std::string(90, '\0'));
  // Growing allocates nothing (a hole).
  ASSERT_TRUE(vfs_truncate(a_, h, 3 * kPageBytes).ok());
  EXPECT_EQ(stat(a_, h).blocks, 8u);  // still the one page
  EXPECT_EQ(read(a_, h, 10, 2 * kPageBytes), std::string(10, '\0'));
  ASSERT_TRUE(vfs_truncate(a_, h, 0).ok());
  EXPECT_EQ(stat(a_, h).blocks, 0u);
  EXPECT_EQ(vfs_truncate(a_, h, kMaxFileBytesCap + 1).error(), Errno::kFBig);
  EXPECT_EQ(vfs_truncate(a_, h, 1ull << 63).error(), Errno::kInval);
  // Not writable / directory / archive / bad handle.
  int r = must_open(a_, "/tmp/t", RDONLY);
  EXPECT_EQ(vfs_truncate(a_, r, 0).error(), Errno::kBadF);
  EXPECT_EQ(vfs_truncate(a_, 15, 0).error(), Errno::kBadF);
  // Position is unchanged by truncate.
  ASSERT_TRUE(vfs_seek(a_, h, 50, UK_SEEK_SET).ok());
  ASSERT_TRUE(vfs_truncate(a_, h, 5).ok());
  EXPECT_EQ(*vfs_seek(a_, h, 0, UK_SEEK_CUR), 50u);
  EXPECT_EQ(read(a_, h, 10), "");
}

TEST_F(VfsTest, AppendWritesAtTheEndUnlessAnOffsetIsGiven) {
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/log", WRONLY | CREAT | APPEND);
  EXPECT_EQ(write(a_, h, "one "), 4u);
  int other = must_open(a_, "/tmp/log", WRONLY);
  EXPECT_EQ(write(a_, other, "ONE!"), 4u);  // overwrites at its own position 0
  EXPECT_EQ(write(a_, h, "two "), 4u);      // appends after "ONE!"
  EXPECT_EQ(*vfs_seek(a_, h, 0, UK_SEEK_CUR), 8u);
  EXPECT_TRUE(vfs_seek(a_, h, 0, UK_SEEK_SET).ok());
  EXPECT_EQ(write(a_, h, "3"), 1u);  // position 0, but APPEND: at the end
  EXPECT_EQ(write(a_, h, "X", 1), 1u);  // explicit offset: pwrite, as POSIX says
  EXPECT_EQ(*vfs_seek(a_, h, 0, UK_SEEK_CUR), 9u);  // pwrite leaves the position
  int r = must_open(a_, "/tmp/log", RDONLY);
  EXPECT_EQ(read(a_, r, 100), "OXE!two 3");
  EXPECT_EQ(stat(a_, h).open_flags, WRONLY | APPEND);
}

TEST_F(VfsTest, DirectoriesAndAccessModes) {
  attach(a_, 1, {rw("/")});
  EXPECT_EQ(open_error(a_, "/data/hello.txt", RDONLY | DIRECTORY), Errno::kNotDir);
  EXPECT_EQ(open_error(a_, "/data", WRONLY), Errno::kIsDir);
  EXPECT_EQ(open_error(a_, "/", RDWR), Errno::kIsDir);
  int d = must_open(a_, "/data", RDONLY);  // DIRECTORY is optional for a directory
  char buf[4];
  EXPECT_EQ(vfs_read(a_, d, buf, 4, CUR).error(), Errno::kIsDir);
  EXPECT_EQ(vfs_write(a_, d, buf, 4, CUR).error(), Errno::kBadF);  // a directory handle is read-only
  EXPECT_EQ(vfs_truncate(a_, d, 0).error(), Errno::kBadF);
  EXPECT_TRUE(vfs_sync(a_, d, 0).ok());
  EXPECT_EQ(*vfs_seek(a_, d, 10, UK_SEEK_SET), 10u);
  EXPECT_EQ(*vfs_seek(a_, d, 0, UK_SEEK_END), 0u);
  // Access modes.
  int wo = must_open(a_, "/tmp/w", WRONLY | CREAT);
  EXPECT_EQ(vfs_read(a_, wo, buf, 4, CUR).error(), Errno::kBadF);
  EXPECT_EQ(write(a_, wo, "data"), 4u);
  int ro_handle = must_open(a_, "/tmp/w", RDONLY);
  EXPECT_EQ(vfs_write(a_, ro_handle, "x", 1, CUR).error(), Errno::kBadF);
  EXPECT_EQ(read(a_, ro_handle, 10), "data");
  int both = must_open(a_, "/tmp/w", RDWR);
  EXPECT_EQ(write(a_, both, "DA"), 2u);
  EXPECT_EQ(read(a_, both, 10), "ta");
}

TEST_F(VfsTest, NonblockAndCloexecAreKeptAndHarmless) {
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/n", RDWR | CREAT | NONBLOCK | CLOEXEC);
  EXPECT_EQ(stat(a_, h).open_flags, RDWR | NONBLOCK | CLOEXEC);
  EXPECT_EQ(write(a_, h, "abc"), 3u);
  EXPECT_EQ(read(a_, h, 3, 0), "abc");
}

// ---- handles ------------------------------------------------------------------------

TEST_F(VfsTest, HandleTableLimit) {
  attach(a_, 1, {rw("/")});
  for (int i = 0; i < static_cast<int>(kMaxHandles); ++i) EXPECT_EQ(must_open(a_, "/etc/motd", RDONLY), i);
  EXPECT_EQ(vfs_open_handles(a_), kMaxHandles);
  EXPECT_EQ(open_error(a_, "/etc/motd", RDONLY), Errno::kMFile);
  // EMFILE is decided before anything is created.
  EXPECT_EQ(open_error(a_, "/tmp/never", RDWR | CREAT), Errno::kMFile);
  // The lowest free handle is reused.
  ASSERT_TRUE(vfs_close(a_, 5).ok());
  ASSERT_TRUE(vfs_close(a_, 3).ok());
  EXPECT_EQ(must_open(a_, "/etc/motd", RDONLY), 3);
  EXPECT_EQ(must_open(a_, "/etc/motd", RDONLY), 5);
  vfs_close_all(a_);
  EXPECT_EQ(vfs_open_handles(a_), 0u);
  EXPECT_EQ(open_error(a_, "/tmp/never", RDWR), Errno::kNoEnt);
  // Another domain's table is separate.
  attach(b_, 2, {ro("/")});
  EXPECT_EQ(must_open(b_, "/etc/motd", RDONLY), 0);
}

TEST_F(VfsTest, BadHandles) {
  attach(a_, 1, {ro("/")});
  char buf[8];
  uk_stat s;
  for (uint64_t h : {uint64_t{0}, uint64_t{15}, uint64_t{16}, uint64_t{1} << 40, UINT64_MAX}) {
    EXPECT_EQ(vfs_read(a_, h, buf, 8, CUR).error(), Errno::kBadF);
    EXPECT_EQ(vfs_write(a_, h, buf, 8, CUR).error(), Errno::kBadF);
    EXPECT_EQ(vfs_stat(a_, h, &s).error(), Errno::kBadF);
    EXPECT_EQ(vfs_seek(a_, h, 0, UK_SEEK_SET).error(), Errno::kBadF);
    EXPECT_EQ(vfs_truncate(a_, h, 0).error(), Errno::kBadF);
    EXPECT_EQ(vfs_sync(a_, h, 0).error(), Errno::kBadF);
    EXPECT_EQ(vfs_close(a_, h).error(), Errno::kBadF);
  }
  int h = must_open(a_, "/etc/motd", RDONLY);
  EXPECT_TRUE(vfs_close(a_, h).ok());
  EXPECT_EQ(vfs_close(a_, h).error(), Errno::kBadF);  // double close
  // A never-attached DomainFiles has no handles.
  DomainFiles none;
  EXPECT_EQ(vfs_close(none, 0).error(), Errno::kBadF);
  EXPECT_EQ(open_error(none, "/etc/motd", RDONLY), Errno::kBadF);
}

TEST_F(VfsTest, Sync) {
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/s", RDWR | CREAT);
  EXPECT_TRUE(vfs_sync(a_, h, 0).ok());
  EXPECT_EQ(vfs_sync(a_, h, 1).error(), Errno::kInval);
}

// ---- seek and offsets -----------------------------------------------------------------

TEST_F(VfsTest, Seek) {
  attach(a_, 1, {rw("/")});
  int h = must_open(a_, "/data/hello.txt", RDONLY);
  EXPECT_EQ(*vfs_seek(a_, h, 7, UK_SEEK_SET), 7u);
  EXPECT_EQ(read(a_, h, 5), "world");
  EXPECT_EQ(*vfs_seek(a_, h, -5, UK_SEEK_CUR), 7u);
  EXPECT_EQ(read(a_, h, 5), "world");
  EXPECT_EQ(*vfs_seek(a_, h, -6, UK_SEEK_END), 7u);
  EXPECT_EQ(*vfs_seek(a_, h, 0, UK_SEEK_END), 13u);
  EXPECT_EQ(*vfs_seek(a_, h, 100, UK_SEEK_END), 113u);  // past the end: allowed
  EXPECT_EQ(read(a_, h, 5), "");
  EXPECT_EQ(vfs_seek(a_, h, -1, UK_SEEK_SET).error(), Errno::kInval);
  EXPECT_EQ(vfs_seek(a_, h, -114, UK_SEEK_CUR).error(), Errno::kInval);
  EXPECT_EQ(vfs_seek(a_, h, -14, UK_SEEK_END).error(), Errno::kInval);
  EXPECT_EQ(*vfs_seek(a_, h, 0, UK_SEEK_CUR), 113u);  // failed seeks change nothing
  EXPECT_EQ(*vfs_seek(a_, h, INT64_MAX, UK_SEEK_SET), static_cast<uint64_t>(INT64_MAX));
  EXPECT_EQ(vfs_seek(a_, h, 1, UK_SEEK_CUR).error(), Errno::kOverflow);
  EXPECT_EQ(vfs_seek(a_, h, INT64_MAX, UK_SEEK_END).error(), Errno::kOverflow);
  EXPECT_EQ(*vfs_seek(a_, h, INT64_MIN + 1, UK_SEEK_CUR), 0u);
  EXPECT_EQ(vfs_seek(a_, h, 0, 3).error(), Errno::kInval);
  EXPECT_EQ(vfs_seek(a_, h, 0, 1ull << 32).error(), Errno::kInval);
  // Writing past the end leaves a hole of zeros.
  int w = must_open(a_, "/tmp/hole", RDWR | CREAT);
  EXPECT_EQ(*vfs_seek(a_, w, 5000, UK_SEEK_SET), 5000u);
  EXPECT_EQ(write(a_, w, "end"), 3u);
  uk_stat s = stat(a_, w);
  EXPECT_EQ(s.size, 5003u);
  EXPECT_EQ(s.blocks, 8u);  // only page 1 is allocated
  EXPECT_EQ(read(a_, w, 6000, 0), std::string(5000, '\0') + "end");
}

TEST_F(VfsTest, ExplicitOffsetsArePreadAndPwrite) {
  attach(a_, 1, {rw("/tmp"), ro("/data")});
  int h = must_open(a_, "/data/hello.txt", RDONLY);
  EXPECT_EQ(read(a_, h, 5, 7), "world");
  EXPECT_EQ(read(a_, h, 5), "hello");  // the position was not moved
  EXPECT_EQ(read(a_, h, 2), ", ");
  char buf[4];
  EXPECT_EQ(vfs_read(a_, h, buf, 4, 1ull << 63).error(), Errno::kInval);
  EXPECT_EQ(vfs_read(a_, h, buf, 4, UINT64_MAX - 1).error(), Errno::kInval);
  EXPECT_EQ(vfs_read(a_, h, nullptr, 4, CUR).error(), Errno::kInval);
  EXPECT_EQ(*vfs_read(a_, h, nullptr, 0, CUR), 0u);
  int w = must_open(a_, "/tmp/p", RDWR | CREAT);
  EXPECT_EQ(write(a_, w, "abcdef", 2), 6u);
  EXPECT_EQ(*vfs_seek(a_, w, 0, UK_SEEK_CUR), 0u);
  EXPECT_EQ(read(a_, w, 10), std::string("\0\0abcdef", 8));
  EXPECT_EQ(vfs_write(a_, w, buf, 4, 1ull << 63).error(), Errno::kInval);
  EXPECT_EQ(vfs_write(a_, w, nullptr, 4, CUR).error(), Errno::kInval);
  EXPECT_EQ(*vfs_write(a_, w, nullptr, 0, CUR), 0u);
}

TEST_F(VfsTest, OneOperationMovesAtMost64KiB) {
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/big", RDWR | CREAT);
  std::string data(100000, 'q');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(write(a_, h, data), kMaxIoBytes);
  EXPECT_EQ(write(a_, h, data.substr(kMaxIoBytes)), data.size() - kMaxIoBytes);
  EXPECT_EQ(read(a_, h, data.size(), 0), data.substr(0, kMaxIoBytes));
  EXPECT_EQ(read(a_, h, data.size(), kMaxIoBytes), data.substr(kMaxIoBytes));
}

// ---- storage limits ------------------------------------------------------------------

TEST_F(VfsTest, PerFileSizeLimit) {
  VfsConfig c;
  c.max_file_bytes = 8192;
  init(c);
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/f", RDWR | CREAT);
  EXPECT_EQ(write(a_, h, std::string(10000, 'x')), 8192u);  // short count at the limit
  EXPECT_EQ(write_error(a_, h, "y"), Errno::kFBig);
  EXPECT_EQ(write_error(a_, h, "y", 8192), Errno::kFBig);
  EXPECT_EQ(write(a_, h, "y", 8191), 1u);
  EXPECT_EQ(vfs_truncate(a_, h, 8193).error(), Errno::kFBig);
  EXPECT_TRUE(vfs_truncate(a_, h, 8192).ok());
  EXPECT_EQ(stat(a_, h).size, 8192u);
}

TEST_F(VfsTest, PoolExhaustionAndReuse) {
  VfsConfig c;
  c.pool = pool_.data();
  c.pool_bytes = 4 * kPageBytes + 100;  // 4 pages; the odd tail is unused
  init(c);
  EXPECT_EQ(vfs_free_pages(*vfs_), 4u);
  attach(a_, 1, {rw("/tmp")});
  attach(b_, 2, {rw("/tmp")});
  int h = must_open(a_, "/tmp/a", RDWR | CREAT);
  EXPECT_EQ(write(a_, h, std::string(5 * kPageBytes, 'a')), 4 * kPageBytes);  // short: pool empty
  EXPECT_EQ(vfs_free_pages(*vfs_), 0u);
  int g = must_open(b_, "/tmp/b", RDWR | CREAT);
  EXPECT_EQ(write_error(b_, g, "b"), Errno::kNoSpc);
  EXPECT_EQ(stat(b_, g).size, 0u);
  // Freed pages come back zeroed: b never sees a's bytes.
  ASSERT_TRUE(vfs_truncate(a_, h, kPageBytes).ok());
  EXPECT_EQ(vfs_free_pages(*vfs_), 3u);
  EXPECT_EQ(write(b_, g, "b", 2 * kPageBytes), 1u);
  EXPECT_EQ(read(b_, g, 3 * kPageBytes, 0), std::string(2 * kPageBytes, '\0') + "b");
  ASSERT_TRUE(vfs_truncate(b_, g, 3 * kPageBytes).ok());
  EXPECT_EQ(read(b_, g, kPageBytes, 2 * kPageBytes), "b" + std::string(kPageBytes - 1, '\0'));
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 1), 1u);
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 2), 1u);
}

TEST_F(VfsTest, EmptyPoolCreatesButCannotStore) {
  VfsConfig c;
  c.pool = pool_.data();
  c.pool_bytes = 100;  // less than a page
  init(c);
  attach(a_, 1, {rw("/tmp")});
  int h = must_open(a_, "/tmp/a", RDWR | CREAT);
  EXPECT_EQ(write_error(a_, h, "x"), Errno::kNoSpc);
  EXPECT_TRUE(vfs_truncate(a_, h, 100).ok());  // a hole needs no page
  EXPECT_EQ(read(a_, h, 200, 0), std::string(100, '\0'));
}

TEST_F(VfsTest, DomainQuotaIsChargedToTheFileCreator) {
  attach(a_, 1, {rw("/tmp")}, 2 * kPageBytes);
  attach(b_, 2, {rw("/tmp")}, kPageBytes + 1);  // rounds up to 2 pages
  int h = must_open(a_, "/tmp/a", RDWR | CREAT);
  EXPECT_EQ(write(a_, h, std::string(3 * kPageBytes, 'a')), 2 * kPageBytes);
  EXPECT_EQ(write_error(a_, h, "more"), Errno::kNoSpc);
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 1), 2u);
  // b writing into a's file is charged to a (full): refused.
  int ba = must_open(b_, "/tmp/a", RDWR);
  EXPECT_EQ(write_error(b_, ba, "x", 3 * kPageBytes), Errno::kNoSpc);
  // b's own files use b's quota.
  int g = must_open(b_, "/tmp/b", RDWR | CREAT);
  EXPECT_EQ(write(b_, g, std::string(2 * kPageBytes, 'b')), 2 * kPageBytes);
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 2), 2u);
  // Overwriting allocated pages needs no quota.
  EXPECT_EQ(write(b_, ba, "overwrite", 0), 9u);
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 1), 2u);
  // Shrinking returns the pages to the creator's account.
  ASSERT_TRUE(vfs_truncate(b_, ba, 0).ok());
  EXPECT_EQ(vfs_domain_used_pages(*vfs_, 1), 0u);
  EXPECT_EQ(write(a_, h, "again", 0), 5u);
  // A quota of 0 stores nothing.
  DomainFiles c;
  attach(c, 3, {rw("/tmp")}, 0);
  int z = must_open(c, "/tmp/c", RDWR | CREAT);
  EXPECT_EQ(write_error(c, z, "x"), Errno::kNoSpc);
}

TEST_F(VfsTest, FileCountLimits) {
  attach(a_, 1, {rw("/tmp")});
  for (size_t i = 0; i < kMaxMemNodesPerDomain; ++i) must_open(a_, "/tmp/f" + std::to_string(i), RDONLY | CREAT);
  vfs_close_all(a_);
  EXPECT_EQ(open_error(a_, "/tmp/one-more", RDONLY | CREAT), Errno::kNoSpc);
  EXPECT_TRUE(open(a_, "/tmp/f0", RDWR).ok());  // existing ones still open
  // The global node pool: kMaxMemNodes across all domains.
  std::vector<std::unique_ptr<DomainFiles>> others;
  size_t created = kMaxMemNodesPerDomain;
  Errno last = Errno::kOk;
  for (uint32_t id = 2; id <= 8 && last == Errno::kOk; ++id) {
    others.push_back(std::make_unique<DomainFiles>());
    attach(*others.back(), id, {rw("/tmp")});
    for (size_t i = 0; i < kMaxMemNodesPerDomain; ++i) {
      const std::string p = "/tmp/d" + std::to_string(id) + "-" + std::to_string(i);
      Result<int> r = open(*others.back(), p, RDONLY | CREAT);
      if (!r.ok()) {
        last = r.error();
        break;
      }
      ASSERT_TRUE(vfs_close(*others.back(), *r).ok());
      ++created;
    }
  }
  EXPECT_EQ(last, Errno::kNoSpc);
  EXPECT_EQ(created, kMaxMemNodes);  // /tmp is in the archive: every node is a file
}

TEST_F(VfsTest, AccountTableLimit) {
  std::vector<std::unique_ptr<DomainFiles>> files;
  for (uint32_t id = 1; id <= kMaxDomainAccounts; ++id) {
    files.push_back(std::make_unique<DomainFiles>());
    attach(*files.back(), id, {ro("/")});
  }
  DomainFiles extra;
  EXPECT_EQ(vfs_attach_domain(*vfs_, extra, 100, nullptr, 0, 0).error(), Errno::kNoSpc);
  // Re-attaching a known domain reuses its account.
  EXPECT_TRUE(vfs_attach_domain(*vfs_, extra, 3, nullptr, 0, 0).ok());
}

TEST_F(VfsTest, MemoryFileTimes) {
  attach(a_, 1, {rw("/tmp")});
  g_clock = 100;
  int h = must_open(a_, "/tmp/t", RDWR | CREAT);
  EXPECT_EQ(stat(a_, h).mtime_ns, 100u);
  g_clock = 200;
  EXPECT_EQ(write(a_, h, "x"), 1u);
  EXPECT_EQ(stat(a_, h).mtime_ns, 200u);
  g_clock = 300;
  EXPECT_EQ(read(a_, h, 1, 0), "x");
  EXPECT_EQ(stat(a_, h).mtime_ns, 200u);  // reads do not change it
  ASSERT_TRUE(vfs_truncate(a_, h, 0).ok());
  EXPECT_EQ(stat(a_, h).mtime_ns, 300u);
}

}  // namespace
}  // namespace uk::vfs
