// A call that blocks holds on to the buffer it was given; while it sleeps, another thread
// unmaps that buffer and then wakes the call. The kernel must check the buffer again and answer
// as Linux does (EFAULT, or the bytes moved before the buffer went), not fault itself.
// Prints one line per call.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { buffer_size = 256 * 1024 };

static int ends[2];
static void* buffer;
static int drain; // the helper reads from the pipe (to make room) instead of writing to it

static void* unmap_then_wake(void* unused) {
    (void)unused;
    struct timespec pause = {0, 100 * 1000 * 1000}; // the main thread is blocked by then
    nanosleep(&pause, NULL);
    munmap(buffer, buffer_size);
    static char bytes[4096];
    if (drain)
        (void)read(ends[0], bytes, sizeof bytes);
    else
        (void)write(ends[1], "x", 1);
    return NULL;
}

static void report(const char* call, long result) {
    if (result < 0)
        printf("%s = -1 %s\n", call, strerrorname_np(errno));
    else if (result > 0 && result < buffer_size)
        printf("%s = a short count\n", call);
    else
        printf("%s = %ld\n", call, result);
    fflush(stdout);
}

// A connected pair of TCP sockets over loopback in `ends`: [0] reads what [1] writes.
static int connect_loopback(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, (struct sockaddr*)&address, &length) != 0)
        return -1;
    ends[1] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(ends[1], (struct sockaddr*)&address, sizeof address) != 0)
        return -1;
    ends[0] = accept(listener, NULL, NULL);
    close(listener);
    return ends[0] < 0 ? -1 : 0;
}

static void run(const char* call, int draining) {
    if ((strcmp(call, "recv") == 0 ? connect_loopback() : pipe(ends)) != 0)
        return;
    buffer = mmap(NULL, buffer_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    drain = draining;
    pthread_t helper;
    pthread_create(&helper, NULL, unmap_then_wake, NULL);
    long result;
    if (strcmp(call, "read") == 0) {
        result = read(ends[0], buffer, 16);
    } else if (strcmp(call, "recv") == 0) {
        result = recv(ends[0], buffer, 16, 0);
    } else if (strcmp(call, "write") == 0) {
        result = write(ends[1], buffer, buffer_size); // fills the pipe, then waits for room
    } else if (strcmp(call, "poll") == 0) {
        struct pollfd* fds = buffer;
        fds->fd = ends[0];
        fds->events = POLLIN;
        result = poll(fds, 1, 5000);
    } else {
        int epoll = epoll_create1(0);
        struct epoll_event event = {.events = EPOLLIN};
        epoll_ctl(epoll, EPOLL_CTL_ADD, ends[0], &event);
        result = epoll_wait(epoll, buffer, 4, 5000);
        close(epoll);
    }
    report(call, result);
    pthread_join(helper, NULL);
    close(ends[0]);
    close(ends[1]);
}

int main(void) {
    run("read", 0);
    run("write", 1);
    run("poll", 0);
    run("epoll_wait", 0);
    run("recv", 0);
    return 0;
}
