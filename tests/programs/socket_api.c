// The socket calls' answers that need no peer: creation and its flags, bind and getsockname,
// listen, socket options, and the errors for bad families, lengths, pointers and descriptors.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void report(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long result_ = (long)(call);                                                               \
        report(what, result_);                                                                     \
    } while (0)

static struct sockaddr_in inet(const char* address, int port) {
    struct sockaddr_in raw;
    memset(&raw, 0, sizeof raw);
    raw.sin_family = AF_INET;
    raw.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, address, &raw.sin_addr);
    return raw;
}

static int get_int(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) != 0)
        return -errno;
    return value;
}

static void creation(void) {
    CHECK("socket unknown family", socket(1000, SOCK_STREAM, 0));
    CHECK("socket AF_UNIX", socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK("socket bad type", socket(AF_INET, 99, 0));
    CHECK("socket stream with UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    int tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    printf("socket flags: nonblock %d cloexec %d rdwr %d\n",
           (fcntl(tcp, F_GETFL) & O_NONBLOCK) != 0, (fcntl(tcp, F_GETFD) & FD_CLOEXEC) != 0,
           (fcntl(tcp, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(tcp);
}

static void addresses(void) {
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = inet("0.0.0.0", 5555);
    struct sockaddr_in6 six;
    memset(&six, 0, sizeof six);
    six.sin6_family = AF_INET6;
    CHECK("bind short length", bind(tcp, (struct sockaddr*)&any, 8));
    CHECK("bind long length", bind(tcp, (struct sockaddr*)&any, 200));
    CHECK("bind AF_INET6 address", bind(tcp, (struct sockaddr*)&six, sizeof any));
    CHECK("bind null address", bind(tcp, NULL, sizeof any));
    CHECK("bind bad pointer", bind(tcp, (struct sockaddr*)16, sizeof any));
    CHECK("bind", bind(tcp, (struct sockaddr*)&any, sizeof any));
    CHECK("bind again", bind(tcp, (struct sockaddr*)&any, sizeof any));

    struct sockaddr_in local;
    socklen_t length = sizeof local;
    memset(&local, 0, sizeof local);
    getsockname(tcp, (struct sockaddr*)&local, &length);
    char text[32];
    inet_ntop(AF_INET, &local.sin_addr, text, sizeof text);
    printf("getsockname: %s:%d family %d length %u\n", text, ntohs(local.sin_port),
           local.sin_family, length);
    memset(&local, 0, sizeof local);
    length = 4;
    getsockname(tcp, (struct sockaddr*)&local, &length);
    printf("getsockname truncated: port %d, length %u\n", ntohs(local.sin_port), length);
    CHECK("getsockname null address", getsockname(tcp, NULL, &length));
    CHECK("getsockname null length", getsockname(tcp, (struct sockaddr*)&local, NULL));
    CHECK("getpeername unconnected", getpeername(tcp, (struct sockaddr*)&local, &length));
    CHECK("shutdown unconnected", shutdown(tcp, SHUT_RDWR));
    CHECK("shutdown bad how", shutdown(tcp, 7));
    CHECK("connect short length", connect(tcp, (struct sockaddr*)&any, 4));
    CHECK("connect AF_INET6 address", connect(tcp, (struct sockaddr*)&six, sizeof any));

    CHECK("listen", listen(tcp, 16));
    printf("SO_ACCEPTCONN: %d\n", get_int(tcp, SOL_SOCKET, SO_ACCEPTCONN));
    CHECK("accept4 bad flags", accept4(tcp, NULL, NULL, 0x1));
    fcntl(tcp, F_SETFL, O_NONBLOCK);
    CHECK("accept nonblocking", accept(tcp, NULL, NULL));
    close(tcp);
}

static void options(void) {
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    int one = 1;
    setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(tcp, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    setsockopt(tcp, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(tcp, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int idle = 60;
    setsockopt(tcp, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    int buffer = 65536;
    setsockopt(tcp, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    printf("options: reuseaddr %d reuseport %d keepalive %d nodelay %d keepidle %d rcvbuf %d\n",
           get_int(tcp, SOL_SOCKET, SO_REUSEADDR), get_int(tcp, SOL_SOCKET, SO_REUSEPORT),
           get_int(tcp, SOL_SOCKET, SO_KEEPALIVE), get_int(tcp, IPPROTO_TCP, TCP_NODELAY),
           get_int(tcp, IPPROTO_TCP, TCP_KEEPIDLE), get_int(tcp, SOL_SOCKET, SO_RCVBUF));
    printf("options: type tcp %d udp %d, error %d\n", get_int(tcp, SOL_SOCKET, SO_TYPE),
           get_int(udp, SOL_SOCKET, SO_TYPE), get_int(tcp, SOL_SOCKET, SO_ERROR));
    struct linger linger = {1, 5}, read_back = {0, 0};
    socklen_t length = sizeof read_back;
    setsockopt(tcp, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    getsockopt(tcp, SOL_SOCKET, SO_LINGER, &read_back, &length);
    printf("options: linger %d %d\n", read_back.l_onoff, read_back.l_linger);
    CHECK("setsockopt unknown option", setsockopt(tcp, SOL_SOCKET, 9999, &one, sizeof one));
    CHECK("setsockopt unknown level", setsockopt(tcp, 12345, 1, &one, sizeof one));
    CHECK("setsockopt TCP_NODELAY on UDP", setsockopt(udp, IPPROTO_TCP, TCP_NODELAY, &one, 4));
    CHECK("setsockopt short value", setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, 2));
    CHECK("setsockopt bad pointer", setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, (void*)16, 4));
    CHECK("getsockopt null length", getsockopt(tcp, SOL_SOCKET, SO_TYPE, &one, NULL));
    CHECK("getsockopt unknown option", get_int(tcp, SOL_SOCKET, 9999) == -ENOPROTOOPT ? 0 : -1);

    int on = 1, queued = -1;
    ioctl(udp, FIONBIO, &on);
    ioctl(udp, FIONREAD, &queued);
    printf("ioctl: FIONBIO sets O_NONBLOCK %d, FIONREAD %d\n",
           (fcntl(udp, F_GETFL) & O_NONBLOCK) != 0, queued);
    char byte;
    CHECK("recv nonblocking", recv(udp, &byte, 1, 0));
    int blocking = 0;
    ioctl(udp, FIONBIO, &blocking);
    struct timeval limit = {0, 30000};
    setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    struct timeval read_limit = {0, 0};
    length = sizeof read_limit;
    getsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &read_limit, &length);
    // Linux rounds to its clock ticks.
    printf("SO_RCVTIMEO: read back %s\n",
           read_limit.tv_sec == 0 && read_limit.tv_usec >= 30000 && read_limit.tv_usec < 40000
               ? "ok"
               : "WRONG");
    CHECK("recv past SO_RCVTIMEO", recv(udp, &byte, 1, 0));
    ioctl(udp, FIONBIO, &on);
    CHECK("recv bad buffer", recv(udp, (void*)16, 1, 0));
    struct sockaddr_in peer = inet("10.0.2.2", 7);
    CHECK("sendto short address", sendto(udp, "x", 1, 0, (struct sockaddr*)&peer, 4));
    peer.sin_family = AF_INET6;
    CHECK("sendto AF_INET6 address", sendto(udp, "x", 1, 0, (struct sockaddr*)&peer, sizeof peer));
    close(tcp);
    close(udp);

    int fds[2];
    pipe(fds);
    CHECK("bind on a pipe", bind(fds[0], (struct sockaddr*)&peer, sizeof peer));
    CHECK("getsockopt on a pipe", getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &one, &length));
    CHECK("listen on a closed descriptor", listen(999, 1));
    close(fds[0]);
    close(fds[1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    creation();
    addresses();
    options();
    return 0;
}
