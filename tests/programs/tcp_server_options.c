// What a server asks of TCP beyond accept and read, over 127.0.0.1, as Linux answers it:
// SO_LINGER with a zero timeout resets (socket(7)); with a timeout, a blocking close waits
// for the peer's acknowledgment or the time; TCP_CORK and MSG_MORE hold data only until
// uncorked or a plain send; the keep-alive options read back; EPOLLEXCLUSIVE
// wakes one of several threads blocked on one listening socket through their own epolls
// (epoll_ctl(2)), where plain registrations wake them all.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

static int make_listener(struct sockaddr_in* address) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof local;
    if (bind(fd, (struct sockaddr*)&local, sizeof local) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr*)&local, &length) < 0) {
        perror("listener");
        exit(1);
    }
    *address = local;
    return fd;
}

// A connected pair: the client's end and the server's accepted end.
static void connect_pair(int listener, const struct sockaddr_in* address, int* client,
                         int* server) {
    *client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*client, (const struct sockaddr*)address, sizeof *address) < 0) {
        perror("connect");
        exit(1);
    }
    *server = accept(listener, NULL, NULL);
    if (*server < 0) {
        perror("accept");
        exit(1);
    }
}

static void set_linger(int fd, int on, int seconds) {
    struct linger linger = {on, seconds};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger) < 0)
        perror("SO_LINGER");
}

static void linger_zero(int listener, const struct sockaddr_in* address) {
    int client, server;
    connect_pair(listener, address, &client, &server);
    write(server, "unsent?", 7);
    set_linger(server, 1, 0);
    close(server);
    char buffer[64];
    ssize_t got = read(client, buffer, sizeof buffer);
    // The data may or may not have arrived before the reset; the reset is what counts.
    while (got > 0)
        got = read(client, buffer, sizeof buffer);
    printf("linger 0: the peer reads %s\n", got < 0 ? strerrorname_np(errno) : "end of file");
    close(client);
}

static void linger_delivered(int listener, const struct sockaddr_in* address) {
    int client, server;
    connect_pair(listener, address, &client, &server);
    static char data[65536];
    memset(data, 'd', sizeof data);
    ssize_t sent = write(server, data, sizeof data);
    set_linger(server, 1, 5);
    double started = now_seconds();
    int closed = close(server);
    double waited = now_seconds() - started;
    long total = 0;
    ssize_t got;
    while ((got = read(client, data, sizeof data)) > 0)
        total += got;
    printf("linger 5, the peer's buffer has room: close %d %s, the peer read %ld of %zd bytes "
           "then %s\n",
           closed, waited < 4 ? "at once" : "after the timeout", total, sent,
           got == 0 ? "end of file" : strerrorname_np(errno));
    close(client);
}

static void linger_times_out(int listener, const struct sockaddr_in* address) {
    int client, server;
    connect_pair(listener, address, &client, &server);
    // Fill the path until the server's writes would block: the client never reads. Again
    // after a pause, for a stack whose loopback delivers after the write returned.
    fcntl(server, F_SETFL, O_NONBLOCK);
    static char data[65536];
    memset(data, 't', sizeof data);
    for (int round = 0; round < 5; ++round) {
        while (write(server, data, sizeof data) > 0) {
        }
        usleep(50 * 1000);
    }
    fcntl(server, F_SETFL, 0);
    set_linger(server, 1, 1);
    double started = now_seconds();
    int closed = close(server);
    double waited = now_seconds() - started;
    printf("linger 1, the peer's window shut: close %d after %s\n", closed,
           waited >= 0.9 && waited < 3 ? "about 1 s" : "an unexpected time");
    close(client);
}

static void keep_alive_options(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1, idle = 30, interval = 5, count = 4, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    int values[3];
    socklen_t length = sizeof(int);
    getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &values[0], &length);
    getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &values[1], &length);
    getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &values[2], &length);
    printf("keep-alive: idle %d interval %d count %d\n", values[0], values[1], values[2]);
    int result = setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &zero, sizeof zero);
    printf("keep-alive: idle 0 gives %s\n", result < 0 ? strerrorname_np(errno) : "success");
    int user_timeout = 2500, negative = -1, read_back = 0;
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
    getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &read_back, &length);
    result = setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &negative, sizeof negative);
    printf("TCP_USER_TIMEOUT: reads %d, -1 gives %s\n", read_back,
           result < 0 ? strerrorname_np(errno) : "success");
    close(fd);
}

static void cork_and_more(int listener, const struct sockaddr_in* address) {
    int client, server;
    connect_pair(listener, address, &client, &server);
    int one = 1, zero = 0, corked = -1;
    socklen_t length = sizeof corked;
    setsockopt(server, IPPROTO_TCP, TCP_CORK, &one, sizeof one);
    getsockopt(server, IPPROTO_TCP, TCP_CORK, &corked, &length);
    write(server, "cor", 3);
    write(server, "ked", 3);
    setsockopt(server, IPPROTO_TCP, TCP_CORK, &zero, sizeof zero);
    char buffer[16] = {0};
    size_t got = 0;
    while (got < 6) {
        ssize_t part = read(client, buffer + got, sizeof buffer - 1 - got);
        if (part <= 0)
            break;
        got += (size_t)part;
    }
    printf("TCP_CORK reads %d; uncorked, the peer reads %s\n", corked, buffer);
    send(server, "GET ", 4, MSG_MORE);
    send(server, "/", 1, 0);
    memset(buffer, 0, sizeof buffer);
    got = 0;
    while (got < 5) {
        ssize_t part = read(client, buffer + got, sizeof buffer - 1 - got);
        if (part <= 0)
            break;
        got += (size_t)part;
    }
    printf("MSG_MORE then a plain send: the peer reads '%s'\n", buffer);
    close(client);
    close(server);
}

enum { waiters = 3 };

struct Waiter {
    int listener;
    int exclusive;
    int woke;
};

static void* wait_on_listener(void* argument) {
    struct Waiter* waiter = argument;
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | (waiter->exclusive ? EPOLLEXCLUSIVE : 0)};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, waiter->listener, &event) < 0)
        perror("epoll_ctl");
    struct epoll_event ready;
    waiter->woke = epoll_wait(epoll, &ready, 1, 1000) == 1;
    close(epoll);
    return NULL;
}

static void exclusive_wakeups(int exclusive) {
    struct sockaddr_in address;
    int listener = make_listener(&address);
    pthread_t threads[waiters];
    struct Waiter state[waiters];
    for (int index = 0; index < waiters; ++index) {
        state[index] = (struct Waiter){listener, exclusive, 0};
        pthread_create(&threads[index], NULL, wait_on_listener, &state[index]);
    }
    usleep(300 * 1000); // all blocked in epoll_wait
    int client = socket(AF_INET, SOCK_STREAM, 0);
    connect(client, (struct sockaddr*)&address, sizeof address);
    int woke = 0;
    for (int index = 0; index < waiters; ++index) {
        pthread_join(threads[index], NULL);
        woke += state[index].woke;
    }
    printf("%s: one connection woke %d of %d waiting epolls\n",
           exclusive ? "EPOLLEXCLUSIVE" : "without EPOLLEXCLUSIVE", woke, waiters);
    close(client);
    close(listener);
}

static void exclusive_rules(void) {
    struct sockaddr_in address;
    int listener = make_listener(&address);
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT};
    int result = epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    printf("EPOLLEXCLUSIVE with EPOLLONESHOT: %s\n", result < 0 ? strerrorname_np(errno) : "0");
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    result = epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    printf("EPOLLEXCLUSIVE add: %s\n", result < 0 ? strerrorname_np(errno) : "0");
    event.events = EPOLLIN;
    result = epoll_ctl(epoll, EPOLL_CTL_MOD, listener, &event);
    printf("modify an exclusive registration: %s\n", result < 0 ? strerrorname_np(errno) : "0");
    int other = epoll_create1(0);
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    result = epoll_ctl(epoll, EPOLL_CTL_ADD, other, &event);
    printf("EPOLLEXCLUSIVE on an epoll: %s\n", result < 0 ? strerrorname_np(errno) : "0");
    close(other);
    close(epoll);
    close(listener);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sockaddr_in address;
    int listener = make_listener(&address);
    linger_zero(listener, &address);
    linger_delivered(listener, &address);
    linger_times_out(listener, &address);
    cork_and_more(listener, &address);
    close(listener);
    keep_alive_options();
    exclusive_wakeups(1);
    exclusive_wakeups(0);
    exclusive_rules();
    return 0;
}
