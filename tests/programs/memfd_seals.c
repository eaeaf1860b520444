// memfd seals (memfd_create(2), fcntl(2) "File Sealing"): F_ADD_SEALS and F_GET_SEALS, what
// each seal refuses (EPERM), F_SEAL_WRITE refused (EBUSY) while a shared mapping may write,
// F_SEAL_FUTURE_WRITE keeping the mappings made before it, a memfd made without
// MFD_ALLOW_SEALING and files that are no memfd. The expected output was taken from a native
// run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
    fflush(stdout);
}

static void report_map(const char* what, void* mapping, size_t length) {
    if (mapping == MAP_FAILED) {
        printf("%s: %s\n", what, strerrorname_np(errno));
    } else {
        printf("%s: ok\n", what);
        munmap(mapping, length);
    }
    fflush(stdout);
}

static int sealable(void) {
    int fd = memfd_create("sealed", MFD_ALLOW_SEALING);
    if (fd < 0 || ftruncate(fd, 8192) != 0) {
        perror("memfd_create");
        exit(1);
    }
    return fd;
}

int main(void) {
    int fd = memfd_create("plain", 0);
    report("no MFD_ALLOW_SEALING: F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    report("no MFD_ALLOW_SEALING: F_ADD_SEALS", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    close(fd);

    fd = sealable();
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    report("F_ADD_SEALS unknown bit", fcntl(fd, F_ADD_SEALS, 0x100));
    report("F_ADD_SEALS 0", fcntl(fd, F_ADD_SEALS, 0));
    report("F_ADD_SEALS SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
    report("ftruncate smaller", ftruncate(fd, 4096));
    report("ftruncate same", ftruncate(fd, 8192));
    report("ftruncate larger", ftruncate(fd, 12288));
    report("F_ADD_SEALS GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
    report("ftruncate larger", ftruncate(fd, 16384));
    report("write within", pwrite(fd, "abc", 3, 0));
    report("write past the end", pwrite(fd, "abc", 3, 12287));
    report("fallocate past the end", fallocate(fd, 0, 12288, 4096));
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    close(fd);

    fd = sealable();
    char* shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    report("F_ADD_SEALS WRITE with a writable shared mapping",
           fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    munmap(shared, 4096);
    shared = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    report("F_ADD_SEALS WRITE with a read-only shared mapping (may become writable)",
           fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    munmap(shared, 4096);
    char* private_copy = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    report("F_ADD_SEALS WRITE with a writable private mapping",
           fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    private_copy[0] = 'p';
    printf("private store: ok\n");
    munmap(private_copy, 4096);
    report("write", pwrite(fd, "x", 1, 0));
    struct iovec vector = {"y", 1};
    report("pwritev", pwritev(fd, &vector, 1, 0));
    report("ftruncate smaller", ftruncate(fd, 4096));
    report("ftruncate larger", ftruncate(fd, 16384));
    report_map("mmap shared writable", mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
               4096);
    shared = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    report_map("mmap shared read-only", shared, 0);
    report("mprotect it writable", mprotect(shared, 4096, PROT_READ | PROT_WRITE));
    munmap(shared, 4096);
    report_map("mmap private writable",
               mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), 4096);
    char byte;
    report("read", pread(fd, &byte, 1, 0));
    report("F_ADD_SEALS SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
    report("F_ADD_SEALS after SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    close(fd);

    fd = sealable();
    shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    report("F_ADD_SEALS FUTURE_WRITE with a writable shared mapping",
           fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
    shared[0] = 'm';
    printf("store through the earlier mapping: ok\n");
    report("write", pwrite(fd, "x", 1, 0));
    report("read", pread(fd, &byte, 1, 0));
    printf("read: '%c'\n", byte);
    report_map("mmap shared writable", mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
               4096);
    report("ftruncate", ftruncate(fd, 0));
    munmap(shared, 4096);
    report("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
    close(fd);

    int pipe_fds[2];
    pipe(pipe_fds);
    report("F_GET_SEALS on a pipe", fcntl(pipe_fds[0], F_GET_SEALS));
    report("F_ADD_SEALS on a pipe", fcntl(pipe_fds[1], F_ADD_SEALS, F_SEAL_WRITE));
    printf("done\n");
    return 0;
}
