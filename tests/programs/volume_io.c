// What the volume tests ask of a program on a volume (-v): run natively too.
//   volume_io write DIR        creates DIR/from-guest.txt, fsyncs it, prints "written"
//   volume_io read FILE        prints FILE
//   volume_io readonly DIR     every change in DIR must fail with EROFS: prints one line each
//   volume_io append FILE N    appends N records, fsync after each, printing "acked I" once
//                              record I is on the host's disk (kill -9 may come at any time)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char* what) {
    fprintf(stderr, "volume_io: %s: %s\n", what, strerror(errno));
    return 1;
}

static int write_file(const char* directory) {
    char path[4096];
    snprintf(path, sizeof path, "%s/from-guest.txt", directory);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return fail("open");
    const char text[] = "written by the guest\n";
    if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
        return fail("write");
    if (fsync(fd) != 0)
        return fail("fsync");
    close(fd);
    puts("written");
    return 0;
}

static int read_file(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail("open");
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0)
        fwrite(buffer, 1, (size_t)n, stdout);
    close(fd);
    return n < 0 ? fail("read") : 0;
}

static void expect_erofs(const char* what, int result) {
    printf("%s: %s\n", what,
           result == 0      ? "succeeded"
           : errno == EROFS ? "EROFS"
                            : strerror(errno));
}

static int read_only(const char* directory) {
    char path[4096], other[4096];
    snprintf(path, sizeof path, "%s/new-file", directory);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    expect_erofs("create", fd < 0 ? -1 : 0);
    snprintf(path, sizeof path, "%s/new-directory", directory);
    expect_erofs("mkdir", mkdir(path, 0755));
    snprintf(path, sizeof path, "%s/from-host.txt", directory);
    fd = open(path, O_WRONLY);
    expect_erofs("open for writing", fd < 0 ? -1 : 0);
    expect_erofs("unlink", unlink(path));
    snprintf(other, sizeof other, "%s/renamed", directory);
    expect_erofs("rename", rename(path, other));
    return 0;
}

static int append(const char* path, long count) {
    int fd = open(path, O_CREAT | O_WRONLY | O_APPEND, 0644);
    if (fd < 0)
        return fail("open");
    setvbuf(stdout, NULL, _IONBF, 0);
    for (long i = 0; i < count; ++i) {
        char record[64];
        int length = snprintf(record, sizeof record, "record %ld\n", i);
        if (write(fd, record, (size_t)length) != length)
            return fail("write");
        if (fsync(fd) != 0)
            return fail("fsync");
        printf("acked %ld\n", i);
    }
    close(fd);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "write") == 0)
        return write_file(argv[2]);
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return read_file(argv[2]);
    if (argc == 3 && strcmp(argv[1], "readonly") == 0)
        return read_only(argv[2]);
    if (argc == 4 && strcmp(argv[1], "append") == 0)
        return append(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: volume_io write DIR | read FILE | readonly DIR | append FILE N\n");
    return 2;
}
