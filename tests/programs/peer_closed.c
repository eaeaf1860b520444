// Writing to a connection whose peer is gone, as Linux answers it (unix(7), tcp(7), pipe(7),
// send(2)): EPIPE and SIGPIPE, no signal with MSG_NOSIGNAL or SIGPIPE ignored, reads give end
// of file; shutdown(2) of each direction; the socket options that describe an AF_UNIX socket.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int signal) {
    (void)signal;
    ++sigpipes;
}

static void report(const char* kind, const char* what, long result) {
    if (result < 0)
        printf("%s %s: %s, SIGPIPE %d\n", kind, what, strerrorname_np(errno), (int)sigpipes);
    else
        printf("%s %s: %ld, SIGPIPE %d\n", kind, what, result, (int)sigpipes);
    sigpipes = 0;
    fflush(stdout);
}

static void writes_after_close(const char* kind, int fd, int is_socket) {
    char byte = 'x';
    char buffer[8];
    report(kind, "read after peer close", read(fd, buffer, sizeof buffer));
    report(kind, "write", write(fd, &byte, 1));
    struct iovec vector = {&byte, 1};
    report(kind, "writev", writev(fd, &vector, 1));
    if (is_socket) {
        report(kind, "send", send(fd, &byte, 1, 0));
        report(kind, "send MSG_NOSIGNAL", send(fd, &byte, 1, MSG_NOSIGNAL));
        struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
        report(kind, "sendmsg", sendmsg(fd, &message, 0));
        report(kind, "sendmsg MSG_NOSIGNAL", sendmsg(fd, &message, MSG_NOSIGNAL));
        report(kind, "sendto", sendto(fd, &byte, 1, 0, NULL, 0));
    }
    signal(SIGPIPE, SIG_IGN);
    report(kind, "write, SIGPIPE ignored", write(fd, &byte, 1));
    signal(SIGPIPE, on_sigpipe);
    report(kind, "read again", read(fd, buffer, sizeof buffer));
}

static void unix_peer_closed(int type, const char* kind) {
    int pair[2];
    socketpair(AF_UNIX, type, 0, pair);
    close(pair[1]);
    writes_after_close(kind, pair[0], 1);
    close(pair[0]);
}

// A datagram socket has no end of stream to read: its sends to a closed peer only.
static void datagram_peer_closed(void) {
    int pair[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
    close(pair[1]);
    report("datagram", "send", send(pair[0], "x", 1, 0));
    report("datagram", "write", write(pair[0], "x", 1));
    close(pair[0]);
}

static void unix_shutdown(int type, const char* kind) {
    int pair[2];
    char buffer[8];
    char line[64];
    socketpair(AF_UNIX, type, 0, pair);
    report(kind, "shutdown SHUT_WR", shutdown(pair[0], SHUT_WR));
    report(kind, "send after own SHUT_WR", send(pair[0], "x", 1, 0));
    report(kind, "peer reads end", recv(pair[1], buffer, sizeof buffer, MSG_DONTWAIT));
    report(kind, "peer still sends", send(pair[1], "ab", 2, 0));
    report(kind, "own side still reads", recv(pair[0], buffer, sizeof buffer, 0));
    report(kind, "shutdown SHUT_RD", shutdown(pair[0], SHUT_RD));
    report(kind, "read after own SHUT_RD", recv(pair[0], buffer, sizeof buffer, MSG_DONTWAIT));
    report(kind, "peer sends after SHUT_RD", send(pair[1], "c", 1, MSG_DONTWAIT));
    report(kind, "shutdown twice", shutdown(pair[0], SHUT_RDWR));
    close(pair[0]);
    close(pair[1]);
    snprintf(line, sizeof line, "%s shutdown of a pipe", kind);
    int fds[2];
    pipe(fds);
    report(kind, "shutdown of a pipe", shutdown(fds[0], SHUT_RD));
    close(fds[0]);
    close(fds[1]);
}

static int int_option(int fd, int option) {
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0)
        return -errno;
    return value;
}

static void unix_options(void) {
    int pair[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair);
    printf("seqpacket SO_TYPE %d SO_DOMAIN %d SO_ACCEPTCONN %d SO_PASSCRED %d\n",
           int_option(pair[0], SO_TYPE), int_option(pair[0], SO_DOMAIN),
           int_option(pair[0], SO_ACCEPTCONN), int_option(pair[0], SO_PASSCRED));
    int on = 1;
    setsockopt(pair[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    printf("SO_PASSCRED after setting: %d\n", int_option(pair[0], SO_PASSCRED));
    struct ucred peer;
    socklen_t length = sizeof peer;
    getsockopt(pair[0], SOL_SOCKET, SO_PEERCRED, &peer, &length);
    printf("SO_PEERCRED: length %u, pid is ours %d, uid is ours %d, gid is ours %d\n", length,
           peer.pid == getpid(), peer.uid == getuid(), peer.gid == getgid());
    close(pair[0]);
    close(pair[1]);

    int server = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    memcpy(address.sun_path, "\0peer_closed", 12);
    bind(server, (struct sockaddr*)&address, offsetof(struct sockaddr_un, sun_path) + 12);
    listen(server, 1);
    printf("listening SO_ACCEPTCONN %d\n", int_option(server, SO_ACCEPTCONN));
    int client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    connect(client, (struct sockaddr*)&address, offsetof(struct sockaddr_un, sun_path) + 12);
    int accepted = accept(server, NULL, NULL);
    printf("accepted SO_ACCEPTCONN %d SO_TYPE %d\n", int_option(accepted, SO_ACCEPTCONN),
           int_option(accepted, SO_TYPE));
    length = sizeof peer;
    getsockopt(accepted, SOL_SOCKET, SO_PEERCRED, &peer, &length);
    printf("accepted SO_PEERCRED: pid is ours %d\n", peer.pid == getpid());
    close(client);
    writes_after_close("accepted seqpacket", accepted, 1);
    close(accepted);
    close(server);
}

static void tcp_peer_closed(void) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    bind(server, (struct sockaddr*)&address, sizeof address);
    getsockname(server, (struct sockaddr*)&address, &length);
    listen(server, 1);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    connect(client, (struct sockaddr*)&address, sizeof address);
    int accepted = accept(server, NULL, NULL);
    close(accepted);
    char buffer[8];
    report("tcp", "read after peer close", read(client, buffer, sizeof buffer));
    // The first write after the peer's FIN is sent; the peer's RST answers it, after which
    // writes fail.
    long result = 0;
    int tries = 0;
    while (result >= 0 && tries++ < 100) {
        result = send(client, "x", 1, MSG_NOSIGNAL);
        usleep(10000);
    }
    report("tcp", "send MSG_NOSIGNAL, once the RST came", result);
    report("tcp", "write", write(client, "x", 1));
    close(client);
    close(server);
}

static void pipe_reader_closed(void) {
    int fds[2];
    pipe(fds);
    close(fds[0]);
    writes_after_close("pipe", fds[1], 0);
    close(fds[1]);
}

int main(void) {
    signal(SIGPIPE, on_sigpipe);
    unix_peer_closed(SOCK_STREAM, "stream");
    unix_peer_closed(SOCK_SEQPACKET, "seqpacket");
    datagram_peer_closed();
    unix_shutdown(SOCK_STREAM, "stream");
    unix_shutdown(SOCK_SEQPACKET, "seqpacket");
    unix_options();
    tcp_peer_closed();
    pipe_reader_closed();
    return 0;
}
