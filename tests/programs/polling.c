// poll, ppoll, select, pselect and epoll on pipes and eventfds: readiness, timeouts, POLLNVAL,
// EINTR with a temporary signal mask, wake-ups from another thread, epoll's level-triggered,
// edge-triggered and one-shot modes, its errors, and registrations ended by close.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long elapsed_ms(const struct timespec* start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static const char* waited(const struct timespec* start, long at_least_ms) {
    return elapsed_ms(start) >= at_least_ms ? "waited" : "TOO SOON";
}

static int late_fd;

static void* write_later(void* argument) {
    (void)argument;
    usleep(30000);
    uint64_t one = 1;
    write(late_fd, &one, sizeof one);
    return NULL;
}

static pthread_t main_thread;
static volatile sig_atomic_t handled;

static void on_usr1(int signal) {
    (void)signal;
    ++handled;
}

static void* signal_later(void* argument) {
    (void)argument;
    usleep(30000);
    pthread_kill(main_thread, SIGUSR1);
    return NULL;
}

static void test_poll(void) {
    int fds[2];
    pipe(fds);
    struct pollfd watched[4] = {
        {fds[0], POLLIN, 0}, {fds[1], POLLOUT, 0}, {999, POLLIN, 0}, {-1, POLLIN, 0}};
    int ready = poll(watched, 4, 0);
    printf("poll: %d ready: in %#x, out %#x, bad fd %#x, negative fd %#x\n", ready,
           watched[0].revents, watched[1].revents, watched[2].revents, watched[3].revents);

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    ready = poll(watched, 1, 50);
    printf("poll: timeout gives %d, %s\n", ready, waited(&start, 45));

    write(fds[1], "abc", 3);
    ready = poll(watched, 1, 1000);
    printf("poll: after a write %d, revents %#x\n", ready, watched[0].revents);
    close(fds[1]);
    char buffer[8];
    read(fds[0], buffer, sizeof buffer);
    ready = poll(watched, 1, 1000);
    printf("poll: writer gone %d, revents %#x\n", ready, watched[0].revents);
    close(fds[0]);

    late_fd = eventfd(0, 0);
    struct pollfd event = {late_fd, POLLIN, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, write_later, NULL);
    ready = poll(&event, 1, -1);
    pthread_join(thread, NULL);
    printf("poll: woken by another thread: %d, revents %#x\n", ready, event.revents);
    close(late_fd);

    struct pollfd* volatile nowhere = NULL;
    errno = 0;
    ready = poll(nowhere, 1, 0);
    printf("poll: bad pointer %d %s\n", ready, strerror(errno));
}

static void test_ppoll_signal(void) {
    main_thread = pthread_self();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    sigaction(SIGUSR1, &action, NULL);
    sigset_t blocked, during;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    sigemptyset(&during);

    int fds[2];
    pipe(fds);
    struct pollfd watched = {fds[0], POLLIN, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, signal_later, NULL);
    errno = 0;
    int ready = ppoll(&watched, 1, NULL, &during);
    int saved = errno;
    pthread_join(thread, NULL);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("ppoll: %d %s, handler ran %d, SIGUSR1 blocked again %d\n", ready, strerror(saved),
           (int)handled, sigismember(&now, SIGUSR1));

    struct timespec timeout = {0, 20000000};
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    ready = ppoll(&watched, 1, &timeout, NULL);
    printf("ppoll: timeout gives %d, %s\n", ready, waited(&start, 15));

    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    pthread_create(&thread, NULL, signal_later, NULL);
    errno = 0;
    ready = pselect(fds[0] + 1, &readable, NULL, NULL, NULL, &during);
    saved = errno;
    pthread_join(thread, NULL);
    printf("pselect: %d %s, handler ran %d\n", ready, strerror(saved), (int)handled);
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);
    close(fds[0]);
    close(fds[1]);
}

static void test_select(void) {
    int fds[2];
    pipe(fds);
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(fds[0], &readable);
    FD_SET(fds[1], &writable);
    struct timeval zero = {0, 0};
    int ready = select(fds[1] + 1, &readable, &writable, NULL, &zero);
    printf("select: %d ready, read end %d, write end %d\n", ready, FD_ISSET(fds[0], &readable),
           FD_ISSET(fds[1], &writable));

    struct timeval timeout = {0, 30000};
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    ready = select(fds[0] + 1, &readable, NULL, NULL, &timeout);
    printf("select: timeout gives %d, %s\n", ready, waited(&start, 25));

    write(fds[1], "x", 1);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    ready = select(fds[0] + 1, &readable, NULL, NULL, NULL);
    printf("select: after a write %d, read end %d\n", ready, FD_ISSET(fds[0], &readable));

    int closed = dup(fds[0]);
    close(closed);
    FD_ZERO(&readable);
    FD_SET(closed, &readable);
    errno = 0;
    ready = select(closed + 1, &readable, NULL, NULL, &zero);
    printf("select: closed descriptor %d %s\n", ready, strerror(errno));
    errno = 0;
    ready = select(-1, NULL, NULL, NULL, &zero);
    printf("select: negative count %d %s\n", ready, strerror(errno));
    struct timeval bad = {0, -1};
    errno = 0;
    ready = select(0, NULL, NULL, NULL, &bad);
    printf("select: bad timeout %d %s\n", ready, strerror(errno));
    close(fds[0]);
    close(fds[1]);
}

static int wait_events(int epoll, int timeout_ms) {
    struct epoll_event events[8];
    return epoll_wait(epoll, events, 8, timeout_ms);
}

static void test_epoll_modes(void) {
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    int counter = eventfd(1, EFD_NONBLOCK);
    struct epoll_event event = {EPOLLIN, {.u64 = 42}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, counter, &event);
    struct epoll_event got[4];
    int first = epoll_wait(epoll, got, 4, 0);
    uint64_t data = got[0].data.u64;
    int second = wait_events(epoll, 0);
    uint64_t value;
    read(counter, &value, sizeof value);
    int after_read = wait_events(epoll, 0);
    printf("epoll level: %d (data %llu), again %d, after reading %d\n", first,
           (unsigned long long)data, second, after_read);

    int fds[2];
    pipe(fds);
    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = 7;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fds[0], &event);
    write(fds[1], "a", 1);
    int edge_first = wait_events(epoll, 0);
    int edge_again = wait_events(epoll, 0);
    write(fds[1], "b", 1);
    int edge_new_data = wait_events(epoll, 0);
    printf("epoll edge: %d, again %d, after more data %d\n", edge_first, edge_again, edge_new_data);

    event.events = EPOLLIN | EPOLLONESHOT;
    epoll_ctl(epoll, EPOLL_CTL_MOD, fds[0], &event);
    int shot = wait_events(epoll, 0);
    write(fds[1], "c", 1);
    int disabled = wait_events(epoll, 0);
    epoll_ctl(epoll, EPOLL_CTL_MOD, fds[0], &event);
    int rearmed = wait_events(epoll, 0);
    printf("epoll one-shot: %d, then %d, re-armed %d\n", shot, disabled, rearmed);

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    epoll_ctl(epoll, EPOLL_CTL_DEL, fds[0], NULL);
    int timed_out = wait_events(epoll, 40);
    printf("epoll: timeout gives %d, %s\n", timed_out, waited(&start, 35));

    late_fd = counter;
    pthread_t thread;
    pthread_create(&thread, NULL, write_later, NULL);
    int woken = epoll_wait(epoll, got, 4, -1);
    pthread_join(thread, NULL);
    printf("epoll: woken by another thread: %d, events %#x\n", woken, got[0].events);
    read(counter, &value, sizeof value);

    int inner = epoll_create1(0);
    event.events = EPOLLIN;
    epoll_ctl(inner, EPOLL_CTL_ADD, fds[0], &event);
    event.data.u64 = 99;
    epoll_ctl(epoll, EPOLL_CTL_ADD, inner, &event);
    int nested = epoll_wait(epoll, got, 4, 0);
    printf("epoll nested: %d, data %llu\n", nested, (unsigned long long)got[0].data.u64);
    close(inner);
    close(fds[1]);
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = 5;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fds[0], &event);
    char drain[8];
    read(fds[0], drain, sizeof drain);
    int hung = epoll_wait(epoll, got, 4, 0);
    printf("epoll: writer gone %d, events %#x\n", hung, got[0].events);
    struct timespec short_wait = {0, 1000000};
    read(fds[0], drain, sizeof drain);
    epoll_ctl(epoll, EPOLL_CTL_DEL, fds[0], NULL);
    int pwait2 = (int)syscall(SYS_epoll_pwait2, epoll, got, 4, &short_wait, NULL, 8);
    printf("epoll_pwait2: %d\n", pwait2);
    close(fds[0]);
    close(counter);
    close(epoll);
}

static void test_epoll_errors(void) {
    int epoll = epoll_create1(0);
    int counter = eventfd(0, 0);
    int other = eventfd(0, 0);
    struct epoll_event event = {EPOLLIN, {0}};
    struct epoll_event got[2];
    epoll_ctl(epoll, EPOLL_CTL_ADD, counter, &event);
    struct {
        const char* what;
        int result;
    } cases[9];
    int n = 0;
#define CASE(label, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        int result = (call);                                                                       \
        cases[n].what = label;                                                                     \
        cases[n++].result = result < 0 ? errno : 0;                                                \
    } while (0)
    CASE("add twice", epoll_ctl(epoll, EPOLL_CTL_ADD, counter, &event));
    CASE("modify unknown", epoll_ctl(epoll, EPOLL_CTL_MOD, other, &event));
    CASE("delete unknown", epoll_ctl(epoll, EPOLL_CTL_DEL, other, &event));
    CASE("add itself", epoll_ctl(epoll, EPOLL_CTL_ADD, epoll, &event));
    CASE("bad operation", epoll_ctl(epoll, 99, counter, &event));
    CASE("not an epoll", epoll_ctl(counter, EPOLL_CTL_ADD, other, &event));
    CASE("bad descriptor", epoll_ctl(epoll, EPOLL_CTL_ADD, 999, &event));
    CASE("no room for events", epoll_wait(epoll, got, 0, 0));
    CASE("create1 bad flags", epoll_create1(1));
#undef CASE
    for (int i = 0; i < n; ++i)
        printf("epoll errors: %s: %s\n", cases[i].what, strerror(cases[i].result));
    close(other);
    close(counter);
    close(epoll);
}

static void test_epoll_close(void) {
    int epoll = epoll_create1(0);
    int fds[2];
    pipe(fds);
    struct epoll_event event = {EPOLLIN, {.u64 = 1}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fds[0], &event);
    write(fds[1], "x", 1);
    int copy = dup(fds[0]);
    close(fds[0]);
    int while_duplicated = wait_events(epoll, 0);
    close(copy);
    int after_last_close = wait_events(epoll, 0);
    errno = 0;
    int deleted = epoll_ctl(epoll, EPOLL_CTL_DEL, fds[0], NULL);
    printf("epoll close: with a duplicate %d, after the last close %d, delete %d %s\n",
           while_duplicated, after_last_close, deleted, strerror(errno));
    close(fds[1]);

    int counter = eventfd(1, 0);
    epoll_ctl(epoll, EPOLL_CTL_ADD, counter, &event);
    close(epoll);
    uint64_t value = 0;
    read(counter, &value, sizeof value);
    printf("epoll close: watched eventfd still works after the epoll closed: %llu\n",
           (unsigned long long)value);
    close(counter);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_poll();
    test_ppoll_signal();
    test_select();
    test_epoll_modes();
    test_epoll_errors();
    test_epoll_close();
    return 0;
}
