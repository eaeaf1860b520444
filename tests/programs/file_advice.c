// posix_fadvise(2) and readahead(2): the advice is accepted for what can be advised, and bad
// arguments get Linux's errno (the expected output is a native run's).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char* what, long result) {
    if (result == -1)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
}

static long advise(int fd, long offset, long length, int advice) {
    return syscall(SYS_fadvise64, fd, offset, length, advice);
}

int main(void) {
    char path[] = "/tmp/file_advice_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, "some data", 9) != 9) {
        perror("mkstemp");
        return 2;
    }
    for (int advice = 0; advice <= 6; ++advice) {
        char what[64];
        snprintf(what, sizeof what, "fadvise advice %d", advice);
        report(what, advise(fd, 0, 0, advice));
    }
    report("fadvise negative length", advise(fd, 0, -1, POSIX_FADV_NORMAL));
    report("fadvise negative offset", advise(fd, -4096, 10, POSIX_FADV_WILLNEED));
    report("fadvise bad descriptor", advise(99, 0, 0, POSIX_FADV_NORMAL));
    int pipe_fds[2];
    pipe(pipe_fds);
    report("fadvise pipe", advise(pipe_fds[0], 0, 0, POSIX_FADV_NORMAL));
    report("fadvise pipe, bad advice", advise(pipe_fds[0], 0, 0, 99));
    int path_only = open(path, O_PATH);
    report("fadvise O_PATH", advise(path_only, 0, 0, POSIX_FADV_NORMAL));
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    report("fadvise directory", advise(directory, 0, 0, POSIX_FADV_DONTNEED));
    int socket_fds[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, socket_fds);
    int write_only = open(path, O_WRONLY);
    report("fadvise write-only file", advise(write_only, 0, 0, POSIX_FADV_SEQUENTIAL));

    report("readahead", readahead(fd, 0, 4096));
    report("readahead past the end", readahead(fd, 1 << 20, 4096));
    report("readahead write-only", readahead(write_only, 0, 4096));
    report("readahead pipe", readahead(pipe_fds[0], 0, 4096));
    report("readahead directory", readahead(directory, 0, 4096));
    report("readahead socket", readahead(socket_fds[0], 0, 4096));
    report("readahead bad descriptor", readahead(99, 0, 4096));
    report("readahead O_PATH", readahead(path_only, 0, 4096));
    unlink(path);
    return 0;
}
