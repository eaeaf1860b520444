// Hostile sizes and addresses for the memory and I/O calls: every line is the call's result as
// Linux gives it (the expected output was taken from a native run). Lengths near 2^64 must not
// wrap when rounded up to a page, and kernel or non-canonical ranges must be refused.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096UL
#define KERNEL_ADDRESS 0xffffffff80000000UL
#define NON_CANONICAL 0x0000800000000000UL
#define TASK_SIZE 0x00007ffffffff000UL

static void report(const char* what, long result) {
    if (result == -1)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: ok\n", what);
    fflush(stdout);
}

static long raw(long number, long a, long b, long c, long d, long e, long f) {
    return syscall(number, a, b, c, d, e, f);
}

static long mmap_raw(uintptr_t address, size_t length, int prot, int flags, long offset) {
    long result = raw(SYS_mmap, (long)address, (long)length, prot, flags, -1, offset);
    return result < 0 && result > -4096 ? -1 : result;
}

static uintptr_t fresh(size_t pages) {
    void* p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        _exit(2);
    }
    return (uintptr_t)p;
}

// A page-aligned user address with nothing mapped there.
static uintptr_t hole(size_t pages) {
    uintptr_t address = fresh(pages);
    munmap((void*)address, pages * PAGE);
    return address;
}

static void test_brk(void) {
    long start = raw(SYS_brk, 0, 0, 0, 0, 0, 0);
    static const uint64_t hostile[] = {0xfffffffffffffff0UL, UINT64_MAX,    0xfffffffffffff001UL,
                                       KERNEL_ADDRESS,       NON_CANONICAL, 1UL << 63};
    int unchanged = 1;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; ++i)
        unchanged &= raw(SYS_brk, (long)hostile[i], 0, 0, 0, 0, 0) == start;
    printf("brk near the top: %s\n", unchanged ? "unchanged" : "CHANGED");
    printf("brk below the start: %s\n",
           raw(SYS_brk, start - (long)(1 << 20), 0, 0, 0, 0, 0) == start ? "unchanged" : "CHANGED");
    long grown = raw(SYS_brk, start + 3 * PAGE, 0, 0, 0, 0, 0);
    printf("brk grows: %s\n", grown == start + (long)(3 * PAGE) ? "ok" : "FAILED");
    memset((void*)start, 0x5a, 3 * PAGE);
    printf("brk shrinks: %s\n", raw(SYS_brk, start, 0, 0, 0, 0, 0) == start ? "ok" : "FAILED");
}

static void test_mmap(void) {
    int rw = PROT_READ | PROT_WRITE, private = MAP_PRIVATE | MAP_ANONYMOUS;
    uintptr_t spot = hole(4);
    report("mmap length 0", mmap_raw(0, 0, rw, private, 0));
    report("mmap length SIZE_MAX", mmap_raw(0, SIZE_MAX, rw, private, 0));
    report("mmap length wrapping to 0", mmap_raw(0, SIZE_MAX - PAGE + 2, rw, private, 0));
    report("mmap length 2^62", mmap_raw(0, 1UL << 62, rw, private, 0));
    report("mmap fixed length SIZE_MAX", mmap_raw(spot, SIZE_MAX, rw, private | MAP_FIXED, 0));
    report("mmap fixed at a kernel address",
           mmap_raw(KERNEL_ADDRESS, PAGE, rw, private | MAP_FIXED, 0));
    report("mmap fixed non-canonical", mmap_raw(NON_CANONICAL, PAGE, rw, private | MAP_FIXED, 0));
    report("mmap fixed wrapping",
           mmap_raw(UINT64_MAX - PAGE + 1, 2 * PAGE, rw, private | MAP_FIXED, 0));
    report("mmap fixed across the top",
           mmap_raw(TASK_SIZE - PAGE, 2 * PAGE, rw, private | MAP_FIXED, 0));
    report("mmap fixed misaligned", mmap_raw(spot + 1, PAGE, rw, private | MAP_FIXED, 0));
    report("mmap misaligned offset", mmap_raw(0, PAGE, rw, private, 1));
    report("mmap neither shared nor private", mmap_raw(0, PAGE, rw, MAP_ANONYMOUS, 0));
    uintptr_t taken = fresh(1);
    report("mmap fixed-noreplace over a mapping",
           mmap_raw(taken, PAGE, rw, private | MAP_FIXED_NOREPLACE, 0));
    long hinted = mmap_raw(UINT64_MAX - PAGE + 1, PAGE, rw, private, 0);
    report("mmap with a hint at the very top", hinted);
    if (hinted != -1)
        munmap((void*)hinted, PAGE);
    hinted = mmap_raw(spot + 123, PAGE, rw, private, 0);
    report("mmap with a misaligned hint", hinted);
    if (hinted != -1)
        munmap((void*)hinted, PAGE);
    munmap((void*)taken, PAGE);
}

static void test_munmap(void) {
    report("munmap a kernel address", raw(SYS_munmap, (long)KERNEL_ADDRESS, PAGE, 0, 0, 0, 0));
    report("munmap non-canonical", raw(SYS_munmap, (long)NON_CANONICAL, PAGE, 0, 0, 0, 0));
    report("munmap at the top", raw(SYS_munmap, (long)TASK_SIZE, PAGE, 0, 0, 0, 0));
    report("munmap across the top",
           raw(SYS_munmap, (long)(TASK_SIZE - PAGE), 2 * PAGE, 0, 0, 0, 0));
    report("munmap length SIZE_MAX", raw(SYS_munmap, (long)hole(1), -1L, 0, 0, 0, 0));
    report("munmap length wrapping", raw(SYS_munmap, (long)hole(1), -(long)PAGE + 1, 0, 0, 0, 0));
    report("munmap length 0", raw(SYS_munmap, (long)hole(1), 0, 0, 0, 0, 0));
    report("munmap misaligned", raw(SYS_munmap, (long)hole(1) + 8, PAGE, 0, 0, 0, 0));
    report("munmap an unmapped user range", raw(SYS_munmap, (long)hole(4), 4 * PAGE, 0, 0, 0, 0));
    report("munmap page zero", raw(SYS_munmap, 0, PAGE, 0, 0, 0, 0));
}

static void test_mprotect(void) {
    uintptr_t mapped = fresh(2);
    report("mprotect misaligned", raw(SYS_mprotect, (long)mapped + 1, PAGE, PROT_READ, 0, 0, 0));
    report("mprotect length 0, bad protection", raw(SYS_mprotect, (long)mapped, 0, 0x40, 0, 0, 0));
    report("mprotect length SIZE_MAX", raw(SYS_mprotect, (long)mapped, -1L, PROT_READ, 0, 0, 0));
    report("mprotect length wrapping",
           raw(SYS_mprotect, (long)mapped, -(long)PAGE + 1, PROT_READ, 0, 0, 0));
    report("mprotect a kernel address",
           raw(SYS_mprotect, (long)KERNEL_ADDRESS, PAGE, PROT_READ, 0, 0, 0));
    report("mprotect non-canonical",
           raw(SYS_mprotect, (long)NON_CANONICAL, PAGE, PROT_READ, 0, 0, 0));
    report("mprotect an unmapped user range",
           raw(SYS_mprotect, (long)hole(2), PAGE, PROT_READ, 0, 0, 0));
    uintptr_t short_one = fresh(3);
    munmap((void*)(short_one + 2 * PAGE), PAGE);
    report("mprotect past the mapping's end",
           raw(SYS_mprotect, (long)short_one, 3 * PAGE, PROT_READ, 0, 0, 0));
    munmap((void*)short_one, 2 * PAGE);
    report("mprotect unknown protection bits",
           raw(SYS_mprotect, (long)mapped, PAGE, 0x40, 0, 0, 0));
    report(
        "mprotect growsdown and growsup",
        raw(SYS_mprotect, (long)mapped, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP, 0, 0, 0));
    report("mprotect with PROT_SEM",
           raw(SYS_mprotect, (long)mapped, PAGE, PROT_READ | 0x8, 0, 0, 0));
    munmap((void*)mapped, 2 * PAGE);
}

static void test_madvise(void) {
    uintptr_t mapped = fresh(2);
    report("madvise unknown advice", raw(SYS_madvise, (long)mapped, PAGE, 999, 0, 0, 0));
    report("madvise misaligned", raw(SYS_madvise, (long)mapped + 1, PAGE, MADV_DONTNEED, 0, 0, 0));
    report("madvise length SIZE_MAX", raw(SYS_madvise, (long)mapped, -1L, MADV_WILLNEED, 0, 0, 0));
    report("madvise length wrapping",
           raw(SYS_madvise, (long)mapped, -(long)PAGE + 1, MADV_DONTNEED, 0, 0, 0));
    report("madvise length 0", raw(SYS_madvise, (long)mapped, 0, MADV_DONTNEED, 0, 0, 0));
    report("madvise a kernel address",
           raw(SYS_madvise, (long)KERNEL_ADDRESS, PAGE, MADV_NORMAL, 0, 0, 0));
    report("madvise an unmapped user range",
           raw(SYS_madvise, (long)hole(2), PAGE, MADV_NORMAL, 0, 0, 0));
    memset((void*)mapped, 0x77, 2 * PAGE);
    munmap((void*)(mapped + PAGE), PAGE);
    report("madvise dontneed, half unmapped",
           raw(SYS_madvise, (long)mapped, 2 * PAGE, MADV_DONTNEED, 0, 0, 0));
    printf("madvise dontneed zeroed the mapped half: %s\n",
           *(volatile unsigned char*)mapped == 0 ? "yes" : "no");
    munmap((void*)mapped, PAGE);
}

static void test_mremap(void) {
    uintptr_t mapped = fresh(2);
    uintptr_t blocker = mapped + 2 * PAGE;
    // Something right after the mapping, so that it cannot grow in place.
    long placed =
        mmap_raw(blocker, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
    report("mremap unknown flags", raw(SYS_mremap, (long)mapped, PAGE, PAGE, 8, 0, 0));
    report("mremap fixed without maymove",
           raw(SYS_mremap, (long)mapped, PAGE, PAGE, MREMAP_FIXED, 0, 0));
    report("mremap dontunmap without maymove",
           raw(SYS_mremap, (long)mapped, PAGE, PAGE, MREMAP_DONTUNMAP, 0, 0));
    report("mremap dontunmap with a new length",
           raw(SYS_mremap, (long)mapped, PAGE, 2 * PAGE, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0, 0));
    report("mremap misaligned",
           raw(SYS_mremap, (long)mapped + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0, 0));
    report("mremap new length 0", raw(SYS_mremap, (long)mapped, PAGE, 0, MREMAP_MAYMOVE, 0, 0));
    report("mremap new length SIZE_MAX",
           raw(SYS_mremap, (long)mapped, PAGE, -1L, MREMAP_MAYMOVE, 0, 0));
    report("mremap new length 2^62",
           raw(SYS_mremap, (long)mapped, 2 * PAGE, 1L << 62, MREMAP_MAYMOVE, 0, 0));
    report("mremap grow an unmapped range",
           raw(SYS_mremap, (long)hole(1), PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0, 0));
    report("mremap grow a kernel address",
           raw(SYS_mremap, (long)KERNEL_ADDRESS, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0, 0));
    report("mremap old length past the mapping",
           raw(SYS_mremap, (long)mapped, 64 * PAGE, 128 * PAGE, MREMAP_MAYMOVE, 0, 0));
    report("mremap old length 0 of a private mapping",
           raw(SYS_mremap, (long)mapped, 0, PAGE, MREMAP_MAYMOVE, 0, 0));
    report("mremap grow in place, blocked",
           raw(SYS_mremap, (long)mapped, 2 * PAGE, 4 * PAGE, 0, 0, 0));
    report("mremap shrink an unmapped range",
           raw(SYS_mremap, (long)hole(4), 4 * PAGE, PAGE, 0, 0, 0));
    uintptr_t target = hole(4);
    report("mremap fixed to a misaligned target",
           raw(SYS_mremap, (long)mapped, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
               (long)target + 1, 0));
    report("mremap fixed onto itself", raw(SYS_mremap, (long)mapped, 2 * PAGE, 2 * PAGE,
                                           MREMAP_MAYMOVE | MREMAP_FIXED, (long)mapped + PAGE, 0));
    report("mremap fixed to a kernel address",
           raw(SYS_mremap, (long)mapped, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
               (long)KERNEL_ADDRESS, 0));
    report("mremap fixed across the top",
           raw(SYS_mremap, (long)mapped, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
               (long)(TASK_SIZE - PAGE), 0));
    report(
        "mremap fixed from an unmapped range",
        raw(SYS_mremap, (long)hole(1), PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, (long)target, 0));
    // A real move onto a mapping, which it replaces (memory_defects checks the contents).
    uintptr_t replaced = fresh(4);
    long moved = raw(SYS_mremap, (long)mapped, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
                     (long)replaced, 0);
    printf("mremap fixed onto a mapping: %s\n", moved == (long)replaced ? "moved there" : "FAILED");
    munmap((void*)replaced, 4 * PAGE);
    if (placed != -1)
        munmap((void*)blocker, PAGE);
}

static void test_read_write(void) {
    int fd = eventfd(0, EFD_NONBLOCK);
    // Static, so low in the address space: a count of 2^32 from here still ends below the top.
    static uint64_t value = 1;
    static uint64_t buffer;
    uintptr_t at = (uintptr_t)&value;
    report("write count SIZE_MAX", raw(SYS_write, fd, (long)&value, -1L, 0, 0, 0));
    report("write count 2^63", raw(SYS_write, fd, (long)&value, 1L << 63, 0, 0, 0));
    report("write count beyond user space",
           raw(SYS_write, fd, (long)&value, (long)(TASK_SIZE - at + PAGE), 0, 0, 0));
    report("write 8 bytes", raw(SYS_write, fd, (long)&value, 8, 0, 0, 0));
    report("read count SIZE_MAX", raw(SYS_read, fd, (long)&buffer, -1L, 0, 0, 0));
    report("read from a kernel address", raw(SYS_read, fd, (long)KERNEL_ADDRESS, 8, 0, 0, 0));
    long got_count = raw(SYS_read, fd, (long)&buffer, 1L << 32, 0, 0, 0);
    printf("read count 2^32, clamped: %ld (counter %llu)\n", got_count, (unsigned long long)buffer);

    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return;
    char bytes[16] = "0123456789abcde";
    struct iovec vectors[1025];
    for (int i = 0; i < 1025; ++i)
        vectors[i] = (struct iovec){bytes, 1};
    report("writev 1025 vectors", raw(SYS_writev, pipe_fds[1], (long)vectors, 1025, 0, 0, 0));
    report("writev -1 vectors", raw(SYS_writev, pipe_fds[1], (long)vectors, -1, 0, 0, 0));
    report("writev vectors at a kernel address",
           raw(SYS_writev, pipe_fds[1], (long)KERNEL_ADDRESS, 2, 0, 0, 0));
    struct iovec negative[2] = {{bytes, 4}, {bytes, 1UL << 63}};
    report("writev a length over SSIZE_MAX",
           raw(SYS_writev, pipe_fds[1], (long)negative, 2, 0, 0, 0));
    struct iovec summing[2] = {{bytes, (1UL << 62)}, {bytes, (1UL << 62) + 16}};
    report("writev lengths past the top of user space",
           raw(SYS_writev, pipe_fds[1], (long)summing, 2, 0, 0, 0));
    struct iovec kernel_buffer[2] = {{bytes, 4}, {(void*)KERNEL_ADDRESS, 4}};
    report("writev a kernel buffer", raw(SYS_writev, pipe_fds[1], (long)kernel_buffer, 2, 0, 0, 0));
    report("readv 1025 vectors", raw(SYS_readv, pipe_fds[0], (long)vectors, 1025, 0, 0, 0));
    printf("writev 0 vectors: %ld\n", raw(SYS_writev, pipe_fds[1], (long)vectors, 0, 0, 0, 0));
    struct iovec fine[2] = {{bytes, 5}, {bytes + 5, 3}};
    printf("writev 5+3 bytes: %ld\n", raw(SYS_writev, pipe_fds[1], (long)fine, 2, 0, 0, 0));
    char got[8] = {0};
    struct iovec into[2] = {{got, 2}, {got + 2, 6}};
    long n = raw(SYS_readv, pipe_fds[0], (long)into, 2, 0, 0, 0);
    printf("readv 2+6 bytes: %ld %.8s\n", n, got);
}

int main(void) {
    test_brk();
    test_mmap();
    test_munmap();
    test_mprotect();
    test_madvise();
    test_mremap();
    test_read_write();
    printf("memory_hostile: done\n");
    return 0;
}
