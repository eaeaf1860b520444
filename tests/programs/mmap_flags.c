// mmap's flag checks as Linux makes them (mmap(2), do_mmap): MAP_SHARED_VALIDATE refuses flags
// it does not know with EOPNOTSUPP, MAP_SHARED and MAP_PRIVATE ignore them; a mapping type
// other than shared, private or validated shared is EINVAL; MAP_FIXED_NOREPLACE over a mapping
// is EEXIST; unknown PROT_* bits are EINVAL; MADV_DONTNEED zeroes private anonymous memory.
// Every line is the call's result as Linux gives it (the expected output is a native run's).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

static void report(const char* what, long result) {
    if (result < 0 && result > -4096)
        printf("%s: %s\n", what, strerrorname_np((int)-result));
    else
        printf("%s: ok\n", what);
    fflush(stdout);
}

static long map(uintptr_t address, size_t length, long prot, long flags, int fd, long offset) {
    long result = syscall(SYS_mmap, address, length, prot, flags, fd, offset);
    if (result == -1)
        return -errno;
    return result;
}

static long call(long number, long a, long b, long c) {
    long result = syscall(number, a, b, c);
    return result == -1 ? -errno : result;
}

static void unmap_if_mapped(long result, size_t length) {
    if (!(result < 0 && result > -4096))
        munmap((void*)result, length);
}

static void check(const char* what, long result, size_t length) {
    report(what, result);
    unmap_if_mapped(result, length);
}

static void test_types(int fd) {
    const long rw = PROT_READ | PROT_WRITE, anon = MAP_ANONYMOUS;
    check("anonymous, no type", map(0, PAGE, rw, anon, -1, 0), PAGE);
    check("anonymous, type 0x4", map(0, PAGE, rw, anon | 0x4, -1, 0), PAGE);
    check("anonymous, type 0xf", map(0, PAGE, rw, anon | 0xf, -1, 0), PAGE);
    check("anonymous shared", map(0, PAGE, rw, anon | MAP_SHARED, -1, 0), PAGE);
    check("anonymous shared_validate", map(0, PAGE, rw, anon | MAP_SHARED_VALIDATE, -1, 0), PAGE);
    check("file, no type", map(0, PAGE, rw, 0, fd, 0), PAGE);
    check("file, type 0x4", map(0, PAGE, rw, 0x4, fd, 0), PAGE);
    check("file shared_validate", map(0, PAGE, rw, MAP_SHARED_VALIDATE, fd, 0), PAGE);
}

// Bits outside Linux's LEGACY_MAP_MASK, and ones inside it.
static void test_unknown_flags(int fd, uintptr_t free_page) {
    const long rw = PROT_READ | PROT_WRITE;
    static const struct {
        const char* name;
        long flag;
    } flags[] = {
        {"0x200000 (unused)", 0x200000},  {"0x1000000 (unused)", 0x1000000},
        {"MAP_UNINITIALIZED", 0x4000000}, {"MAP_NORESERVE", MAP_NORESERVE},
        {"MAP_POPULATE", MAP_POPULATE},   {"MAP_LOCKED", MAP_LOCKED},
        {"MAP_STACK", MAP_STACK},         {"MAP_NONBLOCK", MAP_NONBLOCK},
        {"MAP_DENYWRITE", MAP_DENYWRITE}, {"MAP_EXECUTABLE", MAP_EXECUTABLE},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; ++i) {
        char what[96];
        long extra = flags[i].flag;
        snprintf(what, sizeof what, "file shared_validate | %s", flags[i].name);
        check(what, map(0, PAGE, rw, MAP_SHARED_VALIDATE | extra, fd, 0), PAGE);
        snprintf(what, sizeof what, "file shared | %s", flags[i].name);
        check(what, map(0, PAGE, rw, MAP_SHARED | extra, fd, 0), PAGE);
        snprintf(what, sizeof what, "file private | %s", flags[i].name);
        check(what, map(0, PAGE, rw, MAP_PRIVATE | extra, fd, 0), PAGE);
        snprintf(what, sizeof what, "anonymous private | %s", flags[i].name);
        check(what, map(0, PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0), PAGE);
    }
    // MAP_SYNC needs a DAX file; MAP_FIXED_NOREPLACE is not a legacy flag either.
    check("file shared_validate | MAP_SYNC",
          map(0, PAGE, rw, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0), PAGE);
    check("file shared_validate | MAP_FIXED_NOREPLACE",
          map(free_page, PAGE, rw, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, fd, 0), PAGE);
    check("file shared | MAP_FIXED_NOREPLACE",
          map(free_page, PAGE, rw, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0), PAGE);
    check("anonymous shared_validate | 0x200000",
          map(0, PAGE, rw, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x200000, -1, 0), PAGE);
    check("file shared_validate | 0x200000, bad descriptor",
          map(0, PAGE, rw, MAP_SHARED_VALIDATE | 0x200000, 99, 0), PAGE);
}

static void test_fixed_noreplace(void) {
    const long rw = PROT_READ | PROT_WRITE, private = MAP_PRIVATE | MAP_ANONYMOUS;
    long taken = map(0, 4 * PAGE, rw, private, -1, 0);
    check("noreplace over a mapping", map(taken, PAGE, rw, private | MAP_FIXED_NOREPLACE, -1, 0),
          PAGE);
    check("noreplace overlapping its end",
          map(taken + 3 * PAGE, 2 * PAGE, rw, private | MAP_FIXED_NOREPLACE, -1, 0), 0);
    munmap((void*)(taken + 2 * PAGE), 2 * PAGE);
    long placed = map(taken + 2 * PAGE, 2 * PAGE, rw, private | MAP_FIXED_NOREPLACE, -1, 0);
    printf("noreplace into a hole: %s\n",
           placed == taken + (long)(2 * PAGE) ? "at the address" : "ELSEWHERE");
    check("noreplace misaligned", map(taken + 1, PAGE, rw, private | MAP_FIXED_NOREPLACE, -1, 0),
          0);
    munmap((void*)taken, 4 * PAGE);
}

// A page-aligned range with nothing mapped there.
static uintptr_t hole(size_t pages) {
    long address = map(0, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap((void*)address, pages * PAGE);
    return (uintptr_t)address;
}

// Two pages mapped with `prot` at the start of a hole of eight.
static long two_pages_before_a_hole(long prot) {
    uintptr_t free_range = hole(8);
    return map(free_range, 2 * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
               0);
}

static void test_protection(void) {
    const long private = MAP_PRIVATE | MAP_ANONYMOUS;
    check("mmap PROT_SEM", map(0, PAGE, PROT_READ | 0x8, private, -1, 0), PAGE);
    check("mmap prot 0x10", map(0, PAGE, PROT_READ | 0x10, private, -1, 0), PAGE);
    check("mmap PROT_GROWSDOWN", map(0, PAGE, PROT_READ | PROT_GROWSDOWN, private, -1, 0), PAGE);
    long area = two_pages_before_a_hole(PROT_READ);
    report("mprotect prot 0x10", call(SYS_mprotect, area, PAGE, PROT_READ | 0x10));
    report("mprotect PROT_SEM", call(SYS_mprotect, area, PAGE, PROT_READ | 0x8));
    report("mprotect growsdown|growsup",
           call(SYS_mprotect, area, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
    report("mprotect misaligned", call(SYS_mprotect, area + 1, PAGE, PROT_READ));
    report("mprotect length 0", call(SYS_mprotect, area, 0, PROT_READ));
    report("mprotect length 1", call(SYS_mprotect, area, 1, PROT_READ | PROT_WRITE));
    ((volatile char*)area)[PAGE - 1] = 1; // the length was rounded up to the page
    report("mprotect past the end", call(SYS_mprotect, area, 3 * PAGE, PROT_READ));
    report("munmap length 0", call(SYS_munmap, area, 0, 0));
    report("munmap misaligned", call(SYS_munmap, area + 1, PAGE, 0));
    report("munmap wrapping", call(SYS_munmap, area, -PAGE, 0));
    report("munmap a hole", call(SYS_munmap, area + 4 * PAGE, PAGE, 0));
    munmap((void*)area, 2 * PAGE);
}

static void test_advice(void) {
    const long private = MAP_PRIVATE | MAP_ANONYMOUS, rw = PROT_READ | PROT_WRITE;
    uintptr_t free_range = hole(8);
    char* area = (char*)map(free_range, 3 * PAGE, rw, private | MAP_FIXED_NOREPLACE, -1, 0);
    memset(area, 0x5a, 3 * PAGE);
    report("madvise DONTNEED", call(SYS_madvise, (long)area, 2 * PAGE, MADV_DONTNEED));
    printf("after DONTNEED: first %d, second %d, third %d\n", area[0], area[PAGE + 7],
           area[2 * PAGE]);
    report("madvise DONTNEED length 1", call(SYS_madvise, (long)area + 2 * PAGE, 1, MADV_DONTNEED));
    printf("after DONTNEED of 1 byte: %d %d\n", area[2 * PAGE], area[3 * PAGE - 1]);
    char* shared = (char*)map(0, 2 * PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    report("mprotect shared anonymous writable",
           call(SYS_mprotect, (long)shared, 2 * PAGE, PROT_READ | PROT_WRITE));
    memset(shared, 0x5a, 2 * PAGE);
    report("madvise DONTNEED shared anonymous",
           call(SYS_madvise, (long)shared, 2 * PAGE, MADV_DONTNEED));
    printf("after DONTNEED, shared anonymous memory keeps: %d %d\n", shared[0],
           shared[2 * PAGE - 1]);
    munmap(shared, 2 * PAGE);
    check("shared anonymous growsdown",
          map(0, PAGE, rw, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0), PAGE);
    report("madvise length 0", call(SYS_madvise, (long)area, 0, MADV_DONTNEED));
    report("madvise misaligned", call(SYS_madvise, (long)area + 1, PAGE, MADV_NORMAL));
    report("madvise advice 77", call(SYS_madvise, (long)area, PAGE, 77));
    report("madvise past the end", call(SYS_madvise, (long)area, 5 * PAGE, MADV_WILLNEED));
    report("msync misaligned", call(SYS_msync, (long)area + 1, PAGE, MS_SYNC));
    report("msync async|sync", call(SYS_msync, (long)area, PAGE, MS_ASYNC | MS_SYNC));
    report("msync flag 8", call(SYS_msync, (long)area, PAGE, 8));
    report("msync length 0", call(SYS_msync, (long)area, 0, MS_SYNC));
    report("msync past the end", call(SYS_msync, (long)area, 5 * PAGE, MS_SYNC));
    munmap(area, 3 * PAGE);
}

int main(void) {
    char path[] = "/tmp/mmap_flags_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, PAGE) != 0) {
        perror("mkstemp");
        return 2;
    }
    unlink(path);
    test_types(fd);
    test_unknown_flags(fd, hole(1));
    test_fixed_noreplace();
    test_protection();
    test_advice();
    close(fd);
    return 0;
}
