// Pipes and eventfds: data between threads, end of file, EPIPE with SIGPIPE, non-blocking
// ends, the 64 KiB capacity, FIONREAD, pipe2 and eventfd flags, semaphore mode.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define TOTAL (1024 * 1024)

static int pipe_fds[2];
static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int signal) {
    (void)signal;
    ++sigpipes;
}

static void* produce(void* argument) {
    (void)argument;
    static unsigned char chunk[3000];
    size_t sent = 0;
    while (sent < TOTAL) {
        size_t length = sizeof chunk;
        if (length > TOTAL - sent)
            length = TOTAL - sent;
        for (size_t i = 0; i < length; ++i)
            chunk[i] = (unsigned char)((sent + i) * 7);
        ssize_t written = write(pipe_fds[1], chunk, length);
        if (written <= 0)
            return (void*)1;
        sent += (size_t)written;
    }
    close(pipe_fds[1]);
    return NULL;
}

static void pipe_between_threads(void) {
    pipe(pipe_fds);
    pthread_t producer;
    pthread_create(&producer, NULL, produce, NULL);
    unsigned char buffer[5000];
    size_t received = 0;
    int in_order = 1;
    for (;;) {
        ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
        if (got <= 0) {
            printf("threads: last read %zd\n", got);
            break;
        }
        for (ssize_t i = 0; i < got; ++i)
            in_order &= buffer[i] == (unsigned char)((received + (size_t)i) * 7);
        received += (size_t)got;
    }
    void* result;
    pthread_join(producer, &result);
    close(pipe_fds[0]);
    printf("threads: %zu bytes, %s, producer %s\n", received, in_order ? "in order" : "CORRUPT",
           result ? "failed" : "ok");
}

static void broken_pipe(void) {
    signal(SIGPIPE, on_sigpipe);
    int fds[2];
    pipe(fds);
    close(fds[0]);
    errno = 0;
    ssize_t written = write(fds[1], "x", 1);
    printf("broken: write %zd %s, sigpipe %d\n", written, strerror(errno), (int)sigpipes);
    close(fds[1]);
}

// A blocking readv returns what is there once its first buffer is full, without waiting.
static void vectors(void) {
    int fds[2];
    pipe(fds);
    struct iovec out[2] = {{"abcd", 4}, {"ef", 2}};
    ssize_t written = writev(fds[1], out, 2);
    char first[4], second[8];
    struct iovec in[2] = {{first, sizeof first}, {second, sizeof second}};
    ssize_t got = readv(fds[0], in, 2);
    printf("vectors: writev %zd, readv %zd \"%.4s\" \"%.2s\"\n", written, got, first, second);
    write(fds[1], "wxyz", 4);
    got = readv(fds[0], in, 2);
    printf("vectors: readv with the first buffer filled exactly %zd\n", got);
    close(fds[0]);
    close(fds[1]);
}

static void nonblocking(void) {
    int fds[2];
    pipe2(fds, O_NONBLOCK | O_CLOEXEC);
    char byte;
    errno = 0;
    ssize_t got = read(fds[0], &byte, 1);
    printf("nonblocking: empty read %zd %s\n", got, strerror(errno));
    static char chunk[4096];
    size_t stored = 0;
    for (;;) {
        ssize_t written = write(fds[1], chunk, sizeof chunk);
        if (written < 0)
            break;
        stored += (size_t)written;
    }
    printf("nonblocking: full after %zu bytes (%s)\n", stored, strerror(errno));
    int queued = -1;
    ioctl(fds[0], FIONREAD, &queued);
    printf("nonblocking: FIONREAD %d\n", queued);
    printf("nonblocking: read end flags %s%s, cloexec %d\n",
           (fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "?",
           (fcntl(fds[0], F_GETFL) & O_NONBLOCK) ? "|O_NONBLOCK" : "",
           (fcntl(fds[0], F_GETFD) & FD_CLOEXEC) != 0);
    printf("nonblocking: write end %s\n",
           (fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "?");
    close(fds[1]);
    size_t drained = 0;
    for (;;) {
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got <= 0) {
            printf("nonblocking: drained %zu, then %zd\n", drained, got);
            break;
        }
        drained += (size_t)got;
    }
    close(fds[0]);
    int result = pipe2(fds, 0x1);
    printf("pipe2: bad flags %d %s\n", result, strerror(errno));
}

static int event;

static void* signal_event(void* argument) {
    (void)argument;
    usleep(20000);
    uint64_t value = 5;
    write(event, &value, sizeof value);
    return NULL;
}

static void eventfds(void) {
    int counter = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    uint64_t value = 3;
    write(counter, &value, sizeof value);
    value = 4;
    write(counter, &value, sizeof value);
    value = 0;
    read(counter, &value, sizeof value);
    printf("eventfd: read %llu\n", (unsigned long long)value);
    errno = 0;
    ssize_t got = read(counter, &value, sizeof value);
    printf("eventfd: empty read %zd %s\n", got, strerror(errno));
    errno = 0;
    got = read(counter, &value, 4);
    printf("eventfd: short read %zd %s\n", got, strerror(errno));
    value = UINT64_MAX;
    errno = 0;
    got = write(counter, &value, sizeof value);
    printf("eventfd: write of UINT64_MAX %zd %s\n", got, strerror(errno));
    value = UINT64_MAX - 1;
    write(counter, &value, sizeof value);
    value = 1;
    errno = 0;
    got = write(counter, &value, sizeof value);
    printf("eventfd: overflowing write %zd %s\n", got, strerror(errno));
    printf("eventfd: cloexec %d\n", (fcntl(counter, F_GETFD) & FD_CLOEXEC) != 0);
    close(counter);

    int semaphore = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t first = 0, second = 0;
    read(semaphore, &first, sizeof first);
    read(semaphore, &second, sizeof second);
    errno = 0;
    got = read(semaphore, &value, sizeof value);
    printf("semaphore: %llu %llu then %zd %s\n", (unsigned long long)first,
           (unsigned long long)second, got, strerror(errno));
    close(semaphore);

    event = eventfd(0, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, signal_event, NULL);
    value = 0;
    read(event, &value, sizeof value);
    pthread_join(thread, NULL);
    printf("eventfd: blocking read woke with %llu\n", (unsigned long long)value);
    close(event);
    int result = eventfd(0, 0x4000000);
    printf("eventfd: bad flags %d %s\n", result, strerror(errno));
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    pipe_between_threads();
    broken_pipe();
    vectors();
    nonblocking();
    eventfds();
    return 0;
}
