// Named pipes (fifo(7)): mkfifo and mknod S_IFIFO make them, and opening one connects to the
// same pipe as every other open of it. O_WRONLY|O_NONBLOCK with no reader is ENXIO, a
// blocking open waits for the other end, O_RDWR never waits; what is left in the pipe when the
// last end closes is gone. The expected output was taken from a native run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* path = "/tmp/fifo_open.fifo";

static void report(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
    fflush(stdout);
}

static void check(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: ok\n", what);
    fflush(stdout);
}

static void show_read(const char* what, int fd) {
    char buffer[32];
    ssize_t got = read(fd, buffer, sizeof buffer - 1);
    if (got < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
    } else {
        buffer[got] = 0;
        printf("%s: %zd \"%s\"\n", what, got, buffer);
    }
    fflush(stdout);
}

static void* open_writer_later(void* argument) {
    (void)argument;
    usleep(100 * 1000);
    int fd = open(path, O_WRONLY);
    write(fd, "late", 4);
    close(fd);
    return NULL;
}

int main(void) {
    unlink(path);
    check("mkfifo", mkfifo(path, 0644));
    check("mkfifo again", mkfifo(path, 0644));
    struct stat st;
    stat(path, &st);
    printf("stat: fifo %s, mode %o, size %lld\n", S_ISFIFO(st.st_mode) ? "yes" : "no",
           (unsigned)(st.st_mode & 07777), (long long)st.st_size);

    report("open O_WRONLY|O_NONBLOCK, no reader", open(path, O_WRONLY | O_NONBLOCK));
    int reader = open(path, O_RDONLY | O_NONBLOCK);
    check("open O_RDONLY|O_NONBLOCK, no writer", reader);
    show_read("read with no writer", reader);
    int writer = open(path, O_WRONLY | O_NONBLOCK);
    check("open O_WRONLY|O_NONBLOCK, a reader", writer);
    fstat(writer, &st);
    printf("fstat: fifo %s\n", S_ISFIFO(st.st_mode) ? "yes" : "no");
    show_read("read, writer but empty", reader);
    report("write", write(writer, "hello", 5));
    struct pollfd poll_reader = {reader, POLLIN, 0};
    report("poll reader", poll(&poll_reader, 1, 0));
    printf("revents: %#x\n", poll_reader.revents);
    show_read("read", reader);
    report("lseek", lseek(reader, 0, SEEK_SET));
    report("ftruncate", ftruncate(writer, 0));
    close(writer);
    show_read("read after the writer closed", reader);
    close(reader);

    int both = open(path, O_RDWR);
    check("open O_RDWR", both);
    report("write through O_RDWR", write(both, "kept?", 5));
    close(both);
    both = open(path, O_RDWR | O_NONBLOCK);
    show_read("read after every end closed", both);
    close(both);

    pthread_t thread;
    pthread_create(&thread, NULL, open_writer_later, NULL);
    reader = open(path, O_RDONLY);
    check("blocking open O_RDONLY waits for a writer", reader);
    pthread_join(thread, NULL);
    show_read("read what it wrote", reader);
    close(reader);

    check("unlink", unlink(path));
    check("mknod S_IFIFO", mknod(path, S_IFIFO | 0600, 0));
    stat(path, &st);
    printf("stat: fifo %s, mode %o\n", S_ISFIFO(st.st_mode) ? "yes" : "no",
           (unsigned)(st.st_mode & 07777));
    report("open O_WRONLY|O_NONBLOCK, no reader", open(path, O_WRONLY | O_NONBLOCK));
    check("unlink", unlink(path));
    printf("done\n");
    return 0;
}
