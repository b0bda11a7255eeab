/* posix_demo: the POSIX layer (ukernel/posix.h) from C. Each step prints
 * "posix_demo: <step> ok" or "posix_demo: FAIL <step>: ..."; the last line
 * is "posix_demo: done, N steps ok, M failed" and the domain exits (with
 * exit()) 0 when M == 0, 1 otherwise.
 * Capabilities: debug time memory random files signals exit.
 * Grants: path-ro /etc (the image's /etc/motd), path-rw /tmp/demo. */
#include <string.h>

#include <ukernel/posix.h>
#include <ukernel/runtime.h>

static int g_ok;
static int g_failed;

static void step(const char *name, int ok) {
    if (ok) {
        ++g_ok;
        uk_printf("posix_demo: %s ok\n", name);
    } else {
        ++g_failed;
        uk_printf("posix_demo: FAIL %s (errno %d)\n", name, errno);
    }
}

static void demo_time(void) {
    struct timespec a, b;
    const int ra = clock_gettime(CLOCK_MONOTONIC, &a);
    const int rb = clock_gettime(CLOCK_MONOTONIC, &b);
    step("clock_gettime(CLOCK_MONOTONIC)",
         ra == 0 && rb == 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000 &&
             (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)));
    step("clock_gettime(CLOCK_REALTIME)", clock_gettime(CLOCK_REALTIME, &a) == 0);
    step("clock_gettime(bad clock) = -1/EINVAL", clock_gettime(7, &a) == -1 && errno == EINVAL);
}

static void demo_memory(void) {
    const size_t len = 64 * 1024;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    int ok = p != MAP_FAILED;
    if (ok) {
        for (size_t i = 0; i < len; ++i) p[i] = (unsigned char)(i * 13);
        for (size_t i = 0; i < len && ok; ++i) ok = p[i] == (unsigned char)(i * 13);
    }
    step("mmap(64 KiB, RW, ANONYMOUS|PRIVATE) and use it", ok);
    if (p == MAP_FAILED) return;
    step("mprotect(PROT_READ)", mprotect(p, len, PROT_READ) == 0 && p[100] == (unsigned char)(100 * 13));
    step("mprotect(PROT_WRITE|PROT_EXEC) = -1/EACCES",
         mprotect(p, len, PROT_WRITE | PROT_EXEC) == -1 && errno == EACCES);
    step("mmap(MAP_FIXED over it) = MAP_FAILED/EEXIST",
         mmap(p, 4096, PROT_READ, MAP_ANONYMOUS | MAP_PRIVATE | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EEXIST);
    step("mmap(file mapping) = MAP_FAILED/EINVAL",
         mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) == MAP_FAILED && errno == EINVAL);
    step("munmap", munmap(p, len) == 0);
}

static void demo_random(void) {
    static unsigned char a[1000], b[1000];
    const ssize_t na = getrandom(a, sizeof a, 0);
    const ssize_t nb = getrandom(b, sizeof b, GRND_NONBLOCK);
    step("getrandom(1000 bytes) twice, different", na == 1000 && nb == 1000 && memcmp(a, b, sizeof a) != 0);
    step("getrandom(bad flag) = -1/EINVAL", getrandom(a, 16, 0x80) == -1 && errno == EINVAL);
}

static void demo_files(void) {
    static const char text[] = "hello from posix_demo\n";
    char buf[64];
    struct stat st;
    int fd = open("/tmp/demo/hello.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    step("open(/tmp/demo/hello.txt, O_RDWR|O_CREAT|O_TRUNC, 0644)", fd >= 3);
    if (fd < 0) return;
    step("write", write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    step("lseek(0, SEEK_SET)", lseek(fd, 0, SEEK_SET) == 0);
    memset(buf, 0, sizeof buf);
    step("read it back", read(fd, buf, sizeof buf) == (ssize_t)(sizeof text - 1) && strcmp(buf, text) == 0);
    step("pwrite/pread at offset 6", pwrite(fd, "POSIX", 5, 6) == 5 && pread(fd, buf, 5, 6) == 5 &&
                                          memcmp(buf, "POSIX", 5) == 0);
    step("fstat: regular, 0644, size", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644 &&
                                           st.st_size == (off_t)(sizeof text - 1) && st.st_blksize == 4096);
    step("ftruncate(5) and fsync", ftruncate(fd, 5) == 0 && fsync(fd) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
    step("close", close(fd) == 0);
    step("close again = -1/EBADF", close(fd) == -1 && errno == EBADF);
    step("open(/etc/motd, O_WRONLY) = -1/EACCES", open("/etc/motd", O_WRONLY) == -1 && errno == EACCES);
    step("open(/nowhere) = -1/EACCES", open("/nowhere", O_RDONLY) == -1 && errno == EACCES);
    fd = open("/etc/motd", O_RDONLY);
    memset(buf, 0, sizeof buf);
    step("read /etc/motd from the image", fd >= 3 && read(fd, buf, sizeof buf - 1) > 0 && close(fd) == 0);
    step("write(1, ...) prints", write(STDOUT_FILENO, "posix_demo: hello through write(1)\n", 35) == 35);
}

/* Three files created, written and closed in one batch, then read back in
 * another: each is two waves (the opens, then what uses their fds). */
static void demo_batch(void) {
    static const char *const names[3] = {"/tmp/demo/a", "/tmp/demo/b", "/tmp/demo/c"};
    static const char *const data[3] = {"alpha", "bravo", "charlie"};
    static struct uk_batch_entry storage[16];
    static char bufs[3][16];
    struct uk_batch b;
    int opens[3], reads[3];
    uk_batch_init(&b, storage, 16);
    for (int i = 0; i < 3; ++i) opens[i] = uk_batch_open(&b, names[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int i = 0; i < 3; ++i) uk_batch_write(&b, UK_BATCH_FD(opens[i]), data[i], strlen(data[i]));
    for (int i = 0; i < 3; ++i) uk_batch_close(&b, UK_BATCH_FD(opens[i]));
    int64_t failed = uk_batch_submit(&b);
    uk_printf("posix_demo: batch 1: %u calls, %u waves, %u submits, %lld failed\n", b.count, b.waves, b.submits,
              (long long)failed);
    step("batch: create+write+close 3 files", failed == 0 && b.waves == 2);

    uk_batch_reset(&b);
    struct uk_timespec ts;
    for (int i = 0; i < 3; ++i) opens[i] = uk_batch_open(&b, names[i], O_RDONLY, 0);
    for (int i = 0; i < 3; ++i) reads[i] = uk_batch_read(&b, UK_BATCH_FD(opens[i]), bufs[i], sizeof bufs[i]);
    for (int i = 0; i < 3; ++i) uk_batch_close(&b, UK_BATCH_FD(opens[i]));
    const int t = uk_batch_clock_gettime(&b, UK_CLOCK_MONOTONIC, &ts);
    const int missing = uk_batch_open(&b, "/tmp/demo/missing", O_RDONLY, 0);
    const int orphan = uk_batch_read(&b, UK_BATCH_FD(missing), bufs[0], 1);
    failed = uk_batch_submit(&b);
    uk_printf("posix_demo: batch 2: %u calls, %u waves, %u submits, %lld failed\n", b.count, b.waves, b.submits,
              (long long)failed);
    int ok = failed == 2 && uk_batch_result(&b, t) == 0 && uk_batch_result(&b, missing) == -UK_ENOENT &&
             uk_batch_result(&b, orphan) == -UK_EBADF;
    for (int i = 0; i < 3 && ok; ++i) {
        ok = uk_batch_result(&b, reads[i]) == (int64_t)strlen(data[i]) &&
             memcmp(bufs[i], data[i], strlen(data[i])) == 0;
    }
    step("batch: open+read+close 3 files, a missing one, a clock", ok);
}

static void demo_signals(void) {
    const pid_t self = (pid_t)uk_startup_domain_id();
    step("kill(self, SIGUSR1)", kill(self, SIGUSR1) == 0);
    step("kill(self, 64) = -1/EINVAL", kill(self, 64) == -1 && errno == EINVAL);
    step("uk_check_signals: SIGUSR1 pending, then cleared",
         uk_check_signals() == (int64_t)UK_SIGBIT(SIGUSR1) && uk_check_signals() == 0);
}

int main(void) {
    demo_time();
    demo_memory();
    demo_random();
    demo_files();
    demo_batch();
    demo_signals();
    uk_printf("posix_demo: done, %d steps ok, %d failed\n", g_ok, g_failed);
    exit(g_failed == 0 ? 0 : 1);
}
