// connect(AF_UNSPEC) on a TCP socket (Linux's tcp_disconnect): a connected socket resets its
// peer and can connect again; a listener stops listening but keeps its port and can listen
// again; a never-connected socket takes it as a no-op. Over 127.0.0.1 and ::1; the expected
// output is the program's natively.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char* outcome(int result) {
    if (result >= 0)
        return "ok";
    switch (errno) {
    case ECONNRESET:
        return "ECONNRESET";
    case ECONNREFUSED:
        return "ECONNREFUSED";
    case EINVAL:
        return "EINVAL";
    case ENOTCONN:
        return "ENOTCONN";
    case EPIPE:
        return "EPIPE";
    case EISCONN:
        return "EISCONN";
    case EAGAIN:
        return "EAGAIN";
    default:
        return strerror(errno);
    }
}

static int pending_error(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    return error;
}

static int disconnect(int fd) {
    struct sockaddr unspecified = {.sa_family = AF_UNSPEC};
    return connect(fd, &unspecified, sizeof unspecified);
}

static void run(int family, const char* name) {
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    socklen_t length;
    if (family == AF_INET) {
        struct sockaddr_in* v4 = (struct sockaddr_in*)&storage;
        v4->sin_family = AF_INET;
        v4->sin_port = htons(7100);
        inet_pton(AF_INET, "127.0.0.1", &v4->sin_addr);
        length = sizeof *v4;
    } else {
        struct sockaddr_in6* v6 = (struct sockaddr_in6*)&storage;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(7101);
        v6->sin6_addr = in6addr_loopback;
        length = sizeof *v6;
    }
    struct sockaddr* address = (struct sockaddr*)&storage;
    printf("-- %s\n", name);

    int fresh = socket(family, SOCK_STREAM, 0);
    const char* result = outcome(disconnect(fresh));
    printf("never connected: %s, SO_ERROR %d\n", result, pending_error(fresh));
    close(fresh);

    int listener = socket(family, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(listener, address, length) != 0 || listen(listener, 4) != 0) {
        printf("cannot listen: %s\n", strerror(errno));
        return;
    }
    int client = socket(family, SOCK_STREAM, 0);
    printf("connect: %s\n", outcome(connect(client, address, length)));
    int server = accept(listener, NULL, NULL);
    printf("accept: %s\n", outcome(server));

    // An epoll registration made before the disconnect still reports the socket after it.
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | EPOLLOUT, .data.fd = client};
    epoll_ctl(epoll, EPOLL_CTL_ADD, client, &event);

    result = outcome(disconnect(client));
    printf("disconnect the client: %s\n", result);
    char byte = 0;
    struct pollfd ready = {.fd = server, .events = POLLIN};
    poll(&ready, 1, 2000);
    printf("server reads: %s\n", outcome(read(server, &byte, 1)));
    printf("client sends: %s\n", outcome(send(client, "x", 1, MSG_NOSIGNAL)));
    printf("client's SO_ERROR: %d\n", pending_error(client));
    printf("client sends: %s\n", outcome(send(client, "x", 1, MSG_NOSIGNAL)));
    struct sockaddr_storage peer;
    socklen_t peer_length = sizeof peer;
    printf("client's peer: %s\n",
           outcome(getpeername(client, (struct sockaddr*)&peer, &peer_length)));
    printf("client connects again: %s\n", outcome(connect(client, address, length)));
    int second = accept(listener, NULL, NULL);
    printf("accept: %s\n", outcome(second));
    printf("client sends: %s\n", outcome(send(client, "y", 1, MSG_NOSIGNAL)));
    printf("second reads: %s", outcome(read(second, &byte, 1)));
    printf(" '%c'\n", byte);
    struct epoll_event got;
    int n = epoll_wait(epoll, &got, 1, 1000);
    printf("epoll after reconnecting: %d%s\n", n,
           n == 1 && (got.events & EPOLLOUT) ? " writable" : "");

    int queued = socket(family, SOCK_STREAM, 0);
    printf("a client waiting to be accepted: %s\n", outcome(connect(queued, address, length)));
    printf("disconnect the listener: %s\n", outcome(disconnect(listener)));
    struct pollfd reset = {.fd = queued, .events = POLLIN};
    poll(&reset, 1, 2000);
    printf("the waiting client reads: %s\n", outcome(read(queued, &byte, 1)));
    close(queued);
    int late = socket(family, SOCK_STREAM, 0);
    printf("a new client connects: %s\n", outcome(connect(late, address, length)));
    close(late);
    printf("accept on it: %s\n", outcome(accept(listener, NULL, NULL)));
    printf("listen again: %s\n", outcome(listen(listener, 4)));
    late = socket(family, SOCK_STREAM, 0);
    printf("a new client connects: %s\n", outcome(connect(late, address, length)));
    printf("accept: %s\n", outcome(accept(listener, NULL, NULL)));
    close(late);
    close(epoll);
    close(second);
    close(server);
    close(client);
    close(listener);
}

int main(void) {
    run(AF_INET, "IPv4");
    run(AF_INET6, "IPv6");
    return 0;
}
