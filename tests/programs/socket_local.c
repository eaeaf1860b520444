// TCP and UDP between threads of one program over 127.0.0.1: a blocking echo, accept4 and
// non-blocking connect with SO_ERROR, epoll on sockets, MSG_PEEK, MSG_WAITALL, MSG_TRUNC,
// shutdown and end of stream, EPIPE with and without SIGPIPE. Needs a stack with loopback.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int signal) {
    (void)signal;
    ++sigpipes;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

static int listener(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = loopback(port);
    if (bind(fd, (struct sockaddr*)&address, sizeof address) != 0 || listen(fd, 8) != 0)
        perror("listener");
    return fd;
}

static int server_fd;

static void* echo_server(void* argument) {
    (void)argument;
    int connection = accept(server_fd, NULL, NULL);
    char buffer[1000];
    for (;;) {
        ssize_t got = read(connection, buffer, sizeof buffer);
        if (got <= 0)
            break;
        write(connection, buffer, (size_t)got);
    }
    close(connection);
    return NULL;
}

static void blocking_echo(void) {
    server_fd = listener(7001);
    pthread_t server;
    pthread_create(&server, NULL, echo_server, NULL);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback(7001);
    int connected = connect(client, (struct sockaddr*)&address, sizeof address);
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    getpeername(client, (struct sockaddr*)&peer, &length);
    printf("tcp: connect %d, peer port %d\n", connected, ntohs(peer.sin_port));
    static char message[100000], echoed[100000];
    for (size_t i = 0; i < sizeof message; ++i)
        message[i] = (char)(i * 13);
    size_t sent = 0, received = 0;
    while (received < sizeof message) {
        if (sent < sizeof message) {
            ssize_t wrote = send(client, message + sent, 4000, 0);
            if (wrote > 0)
                sent += (size_t)wrote;
        }
        ssize_t got = recv(client, echoed + received, sizeof echoed - received, 0);
        if (got <= 0)
            break;
        received += (size_t)got;
    }
    printf("tcp: echoed %zu bytes, %s\n", received,
           memcmp(message, echoed, sizeof message) == 0 ? "intact" : "CORRUPT");
    shutdown(client, SHUT_WR);
    char byte;
    printf("tcp: after shutdown the echo ends: %zd\n", recv(client, &byte, 1, 0));
    pthread_join(server, NULL);
    close(client);
    close(server_fd);
}

static void* delayed_writer(void* argument) {
    int fd = *(int*)argument;
    usleep(20000);
    write(fd, "world", 5);
    return NULL;
}

static void nonblocking_and_epoll(void) {
    int server = listener(7002);
    int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in address = loopback(7002);
    errno = 0;
    int started = connect(client, (struct sockaddr*)&address, sizeof address);
    int in_progress = started == 0 || errno == EINPROGRESS;
    struct pollfd writable = {client, POLLOUT, 0};
    poll(&writable, 1, 1000);
    int error = -1;
    socklen_t length = sizeof error;
    getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length);
    printf("nonblocking connect: started %d, writable %d, SO_ERROR %d\n", in_progress,
           (writable.revents & POLLOUT) != 0, error);

    int epoll = epoll_create1(0);
    struct epoll_event event = {EPOLLIN, {.u64 = 1}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, server, &event);
    struct epoll_event got[2];
    int ready = epoll_wait(epoll, got, 2, 1000);
    int connection = accept4(server, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    printf("epoll: listener ready %d, accept4 nonblocking %d\n", ready,
           (fcntl(connection, F_GETFL) & O_NONBLOCK) != 0);
    char buffer[16];
    errno = 0;
    ssize_t empty = recv(connection, buffer, sizeof buffer, 0);
    printf("recv on empty connection: %zd %s\n", empty, strerrorname_np(errno));

    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = 2;
    epoll_ctl(epoll, EPOLL_CTL_ADD, connection, &event);
    pthread_t writer;
    pthread_create(&writer, NULL, delayed_writer, &client);
    write(client, "hello ", 6);
    ready = epoll_wait(epoll, got, 2, 1000);
    int peeked_length = (int)recv(connection, buffer, sizeof buffer, MSG_PEEK);
    int queued = 0;
    ioctl(connection, FIONREAD, &queued);
    printf("epoll: connection ready %d (data %llu), peeked %d, FIONREAD %d\n", ready,
           (unsigned long long)got[0].data.u64, peeked_length, queued);
    int flags = fcntl(connection, F_GETFL);
    fcntl(connection, F_SETFL, flags & ~O_NONBLOCK);
    memset(buffer, 0, sizeof buffer);
    ssize_t all = recv(connection, buffer, 11, MSG_WAITALL);
    pthread_join(writer, NULL);
    printf("MSG_WAITALL: %zd \"%s\"\n", all, buffer);

    close(connection);
    usleep(10000);
    signal(SIGPIPE, on_sigpipe);
    ssize_t result = 0;
    int saved = 0;
    for (int i = 0; i < 50 && result >= 0; ++i) {
        errno = 0;
        result = send(client, "x", 1, MSG_NOSIGNAL);
        saved = errno;
        usleep(1000);
    }
    printf("send to a closed peer: %s, sigpipes %d\n", strerrorname_np(saved), (int)sigpipes);
    errno = 0;
    result = write(client, "x", 1);
    printf("write to a closed peer: %s, sigpipes %d\n", strerrorname_np(errno), (int)sigpipes);
    close(client);
    close(server);
    close(epoll);
}

static void datagrams(void) {
    int receiver = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = loopback(7003);
    bind(receiver, (struct sockaddr*)&address, sizeof address);
    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    sendto(sender, "first datagram", 14, 0, (struct sockaddr*)&address, sizeof address);
    struct iovec parts[2] = {{"second ", 7}, {"datagram", 8}};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_name = &address;
    message.msg_namelen = sizeof address;
    message.msg_iov = parts;
    message.msg_iovlen = 2;
    sendmsg(sender, &message, 0);

    char buffer[64];
    struct sockaddr_in from;
    socklen_t length = sizeof from;
    int queued = 0;
    ioctl(receiver, FIONREAD, &queued);
    ssize_t got = recvfrom(receiver, buffer, 5, MSG_TRUNC, (struct sockaddr*)&from, &length);
    struct sockaddr_in own;
    socklen_t own_length = sizeof own;
    getsockname(sender, (struct sockaddr*)&own, &own_length);
    printf("udp: FIONREAD %d, MSG_TRUNC gives %zd, from the sender's port %d\n", queued, got,
           from.sin_port == own.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    char first[4], second[64];
    struct iovec into[2] = {{first, sizeof first}, {second, sizeof second}};
    memset(&message, 0, sizeof message);
    message.msg_iov = into;
    message.msg_iovlen = 2;
    memset(second, 0, sizeof second);
    got = recvmsg(receiver, &message, 0);
    printf("udp: recvmsg %zd \"%.4s\" + \"%s\", flags %d\n", got, first, second, message.msg_flags);
    connect(sender, (struct sockaddr*)&address, sizeof address);
    struct iovec pieces[3] = {{"one ", 4}, {"write", 5}, {"v", 1}};
    ssize_t wrote = writev(sender, pieces, 3);
    char head[3], tail[16];
    memset(tail, 0, sizeof tail);
    struct iovec halves[2] = {{head, sizeof head}, {tail, sizeof tail}};
    got = readv(receiver, halves, 2);
    printf("udp: writev %zd, readv %zd \"%.3s\" + \"%s\"\n", wrote, got, head, tail);
    errno = 0;
    got = recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT);
    printf("udp: nothing left: %s\n", strerrorname_np(errno));
    close(sender);
    close(receiver);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    blocking_echo();
    nonblocking_and_epoll();
    datagrams();
    return 0;
}
