// A write that would overflow an eventfd's counter blocks until a read makes room (not spin:
// POLLOUT holds while a write of 1 fits, even when the write waiting needs more), and a signal
// ends the wait with EINTR. Readiness as poll and epoll see it.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAXIMUM 0xfffffffffffffffeULL

static int fd;
static atomic_int writer_done;
static long writer_result;
static int writer_errno;
static uint64_t writer_value;

static void* writer(void* unused) {
    (void)unused;
    writer_result = write(fd, &writer_value, sizeof writer_value);
    writer_errno = errno;
    atomic_store(&writer_done, 1);
    return NULL;
}

static void on_signal(int signal) {
    (void)signal;
}

static uint32_t poll_now(void) {
    struct pollfd entry = {fd, POLLIN | POLLOUT, 0};
    return poll(&entry, 1, 0) == 1 ? (uint32_t)entry.revents : 0;
}

static void show_readiness(const char* when) {
    uint32_t events = poll_now();
    printf("%s: poll says%s%s\n", when, events & POLLIN ? " in" : "",
           events & POLLOUT ? " out" : "");
}

static uint64_t take(void) {
    uint64_t value = 0;
    if (read(fd, &value, sizeof value) != sizeof value)
        printf("read failed: %s\n", strerror(errno));
    return value;
}

static void put(uint64_t value) {
    if (write(fd, &value, sizeof value) != sizeof value)
        printf("write of %llu failed: %s\n", (unsigned long long)value, strerror(errno));
}

// Starts a writer of `value`, which must block, and returns once it has been blocked a while.
static pthread_t start_blocked_writer(uint64_t value) {
    pthread_t thread;
    writer_value = value;
    atomic_store(&writer_done, 0);
    pthread_create(&thread, NULL, writer, NULL);
    usleep(200 * 1000);
    printf("writer of %llu blocked: %s\n", (unsigned long long)value,
           atomic_load(&writer_done) ? "no" : "yes");
    return thread;
}

int main(void) {
    fd = eventfd(0, 0);

    // One below the maximum: POLLOUT holds (a write of 1 fits), but a write of 2 must block.
    put(MAXIMUM - 1);
    show_readiness("counter at maximum - 1");
    pthread_t thread = start_blocked_writer(2);
    printf("read took maximum - 1: %s\n", take() == MAXIMUM - 1 ? "yes" : "no");
    pthread_join(thread, NULL);
    printf("writer returned %ld\n", writer_result);
    printf("then read took %llu\n", (unsigned long long)take());

    // At the maximum: no POLLOUT, for poll and for epoll.
    put(MAXIMUM);
    show_readiness("counter at maximum");
    int epoll = epoll_create1(0);
    struct epoll_event interest = {.events = EPOLLOUT, .data.u64 = 7};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &interest);
    struct epoll_event event;
    printf("epoll_wait for out at maximum: %d\n", epoll_wait(epoll, &event, 1, 50));
    // A non-blocking write that does not fit fails at once.
    int nonblocking = eventfd(5, EFD_NONBLOCK);
    uint64_t too_much = MAXIMUM - 2;
    long result = write(nonblocking, &too_much, sizeof too_much);
    printf("non-blocking write that does not fit: %s\n",
           result < 0 ? strerrorname_np(errno) : "ok");

    // A signal ends a blocked write with EINTR (the handler has no SA_RESTART).
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGUSR1, &action, NULL);
    thread = start_blocked_writer(1);
    pthread_kill(thread, SIGUSR1);
    pthread_join(thread, NULL);
    printf("signalled writer returned %ld (%s)\n", writer_result,
           writer_result < 0 ? strerrorname_np(writer_errno) : "no error");
    printf("counter still at maximum: %s\n", take() == MAXIMUM ? "yes" : "no");
    printf("epoll_wait for out after the read: %d\n", epoll_wait(epoll, &event, 1, 50));
    show_readiness("counter at 0");
    printf("eventfd_blocking: done\n");
    return 0;
}
