// AF_UNIX sockets within one program (man 7 unix), each outcome printed so that a run under
// Ingot can be compared with the native one: socketpair of each type, abstract names and
// autobind, listen/accept4, datagrams between named sockets, SCM_RIGHTS and SCM_CREDENTIALS,
// poll and epoll, blocking calls woken by another thread, and the errno of every refusal.
// Names in the file system: unix_socket_paths.c.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int signal) {
    (void)signal;
    ++sigpipes;
}

// "label: 5" for a result, "label: ENAME" for a failure.
static void report(const char* label, long result) {
    if (result < 0)
        printf("%s: %s\n", label, strerrorname_np(errno));
    else
        printf("%s: %ld\n", label, result);
}

static socklen_t abstract_address(struct sockaddr_un* address, const char* name, size_t length) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path + 1, name, length);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length);
}

static void print_events(const char* label, int fd) {
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    poll(&p, 1, 0);
    printf("%s:%s%s%s%s%s\n", label, p.revents & POLLIN ? " IN" : "",
           p.revents & POLLOUT ? " OUT" : "", p.revents & POLLRDHUP ? " RDHUP" : "",
           p.revents & POLLHUP ? " HUP" : "", p.revents & POLLERR ? " ERR" : "");
}

static int int_option(int fd, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, name, &value, &length) != 0)
        return -errno;
    return value;
}

static void stream_pair(void) {
    int sv[2];
    report("stream socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    print_events("stream fresh", sv[0]);
    report("stream send", send(sv[0], "hello ", 6, 0));
    report("stream write", write(sv[0], "world", 5));
    int readable = -1;
    ioctl(sv[1], FIONREAD, &readable);
    printf("stream FIONREAD: %d\n", readable);
    print_events("stream readable", sv[1]);
    char buffer[64] = {0};
    report("stream peek", recv(sv[1], buffer, 3, MSG_PEEK));
    printf("stream peeked: %.3s\n", buffer);
    memset(buffer, 0, sizeof buffer);
    report("stream recv across sends", recv(sv[1], buffer, sizeof buffer, 0));
    printf("stream got: %s\n", buffer);
    report("stream recv empty dontwait", recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT));
    report("stream zero-length recv", recv(sv[1], buffer, 0, MSG_DONTWAIT));
    report("stream SO_TYPE", int_option(sv[0], SO_TYPE));
    report("stream SO_DOMAIN", int_option(sv[0], SO_DOMAIN));
    report("stream SO_PROTOCOL", int_option(sv[0], SO_PROTOCOL));
    report("stream SO_ERROR", int_option(sv[0], SO_ERROR));
    report("stream SO_ACCEPTCONN", int_option(sv[0], SO_ACCEPTCONN));
    report("stream SO_PASSCRED", int_option(sv[0], SO_PASSCRED));
    struct ucred peer;
    socklen_t length = sizeof peer;
    report("stream SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &peer, &length));
    printf("stream peer: pid is getpid %d, uid %u, gid %u, length %u\n", peer.pid == getpid(),
           peer.uid, peer.gid, length);
    struct sockaddr_un name;
    length = sizeof name;
    report("stream getsockname", getsockname(sv[0], (struct sockaddr*)&name, &length));
    printf("stream unnamed length: %u\n", length);
    length = sizeof name;
    report("stream getpeername", getpeername(sv[0], (struct sockaddr*)&name, &length));
    printf("stream peer unnamed length: %u\n", length);
    // MSG_WAITALL gathers two writes.
    send(sv[0], "ab", 2, 0);
    send(sv[0], "cd", 2, 0);
    report("stream waitall", recv(sv[1], buffer, 4, MSG_WAITALL));
    report("stream shutdown bad", shutdown(sv[0], 7));
    report("stream shutdown write", shutdown(sv[0], SHUT_WR));
    report("stream send after own shutdown", send(sv[0], "x", 1, MSG_NOSIGNAL));
    report("stream peer reads end", recv(sv[1], buffer, sizeof buffer, 0));
    print_events("stream peer after shutdown", sv[1]);
    report("stream reverse still works", send(sv[1], "back", 4, 0));
    report("stream reverse recv", recv(sv[0], buffer, sizeof buffer, 0));
    close(sv[1]);
    print_events("stream after peer close", sv[0]);
    sigpipes = 0;
    report("stream send to closed peer", send(sv[0], "x", 1, 0));
    printf("stream sigpipes: %d\n", (int)sigpipes);
    report("stream send nosignal", send(sv[0], "x", 1, MSG_NOSIGNAL));
    report("stream write to closed peer", write(sv[0], "x", 1));
    printf("stream sigpipes: %d\n", (int)sigpipes);
    close(sv[0]);

    // Closing with unread bytes resets the peer: ECONNRESET once, then end of file.
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    send(sv[1], "unread", 6, 0);
    close(sv[0]);
    print_events("stream reset", sv[1]);
    report("stream recv after reset", recv(sv[1], buffer, sizeof buffer, 0));
    report("stream recv after reset again", recv(sv[1], buffer, sizeof buffer, 0));
    close(sv[1]);

    // A non-blocking writer fills the buffer, then the reader drains it.
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    static char chunk[65536];
    long total = 0, sent;
    while ((sent = send(sv[0], chunk, sizeof chunk, 0)) > 0)
        total += sent;
    report("stream full", sent);
    print_events("stream full writer", sv[0]);
    long drained = 0, got;
    while ((got = recv(sv[1], chunk, sizeof chunk, 0)) > 0)
        drained += got;
    printf("stream drained all: %d\n", drained == total);
    print_events("stream drained writer", sv[0]);
    close(sv[0]);
    close(sv[1]);
}

static void datagram_pair(void) {
    int sv[2];
    report("dgram socketpair", socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    print_events("dgram fresh", sv[0]);
    send(sv[0], "first message", 13, 0);
    send(sv[0], "second", 6, 0);
    int readable = -1;
    ioctl(sv[1], FIONREAD, &readable);
    printf("dgram FIONREAD: %d\n", readable);
    char buffer[64] = {0};
    report("dgram recv MSG_TRUNC", recv(sv[1], buffer, 5, MSG_TRUNC));
    printf("dgram got: %.5s\n", buffer);
    struct iovec vector = {buffer, 3};
    struct msghdr message = {0};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    report("dgram recvmsg short", recvmsg(sv[1], &message, 0));
    printf("dgram recvmsg MSG_TRUNC flag: %d\n", (message.msg_flags & MSG_TRUNC) != 0);
    report("dgram zero-length send", send(sv[0], "", 0, 0));
    report("dgram zero-length recv", recv(sv[1], buffer, sizeof buffer, 0));
    report("dgram empty dontwait", recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT));
    static char big[300000];
    report("dgram too big", send(sv[0], big, sizeof big, 0));
    long count = 0;
    while (send(sv[0], "x", 1, MSG_DONTWAIT) == 1)
        ++count;
    printf("dgram fill stops with: %s (after some: %d)\n", strerrorname_np(errno), count > 10);
    print_events("dgram full writer", sv[0]);
    close(sv[1]);
    report("dgram send to closed peer", send(sv[0], "x", 1, MSG_DONTWAIT));
    report("dgram send again", send(sv[0], "x", 1, MSG_DONTWAIT));
    close(sv[0]);
}

static void seqpacket_pair(void) {
    int sv[2];
    report("seqpacket socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    send(sv[0], "one", 3, 0);
    send(sv[0], "two", 3, 0);
    char buffer[64] = {0};
    report("seqpacket recv", recv(sv[1], buffer, sizeof buffer, 0));
    struct iovec vector = {buffer, 1};
    struct msghdr message = {0};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    report("seqpacket recvmsg short", recvmsg(sv[1], &message, 0));
    printf("seqpacket MSG_TRUNC flag: %d\n", (message.msg_flags & MSG_TRUNC) != 0);
    report("seqpacket nothing left", recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT));
    close(sv[0]);
    print_events("seqpacket after peer close", sv[1]);
    report("seqpacket recv after close", recv(sv[1], buffer, sizeof buffer, 0));
    sigpipes = 0;
    report("seqpacket send after close", send(sv[1], "x", 1, 0));
    printf("seqpacket sigpipes: %d\n", (int)sigpipes);
    close(sv[1]);
}

static void abstract_names(void) {
    struct sockaddr_un address, name;
    socklen_t length = abstract_address(&address, "ingot-test", 10);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    report("abstract listen unbound", listen(server, 4));
    report("abstract bind", bind(server, (struct sockaddr*)&address, length));
    report("abstract bind again", bind(server, (struct sockaddr*)&address, length));
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    report("abstract bind taken", bind(other, (struct sockaddr*)&address, length));
    socklen_t longer = abstract_address(&name, "ingot-test\0", 11);
    report("abstract bind one byte longer", bind(other, (struct sockaddr*)&name, longer));
    close(other);
    socklen_t got = sizeof name;
    getsockname(server, (struct sockaddr*)&name, &got);
    printf("abstract getsockname: length %u, same bytes %d\n", got,
           memcmp(&name, &address, length) == 0);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    report("abstract connect before listen", connect(client, (struct sockaddr*)&address, length));
    report("abstract listen", listen(server, 0));
    report("abstract SO_ACCEPTCONN", int_option(server, SO_ACCEPTCONN));
    print_events("abstract idle listener", server);
    struct sockaddr_un missing;
    socklen_t missing_length = abstract_address(&missing, "no-such-name", 12);
    report("abstract connect missing", connect(client, (struct sockaddr*)&missing, missing_length));
    int datagram = socket(AF_UNIX, SOCK_DGRAM, 0);
    report("abstract dgram connect to stream name",
           connect(datagram, (struct sockaddr*)&address, length));
    close(datagram);
    fcntl(server, F_SETFL, O_NONBLOCK);
    report("abstract accept none nonblocking", accept(server, NULL, NULL));
    report("abstract connect", connect(client, (struct sockaddr*)&address, length));
    print_events("abstract listener with pending", server);
    int second = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    report("abstract connect backlog full", connect(second, (struct sockaddr*)&address, length));
    send(client, "before accept", 13, 0);
    got = sizeof name;
    memset(&name, 0x55, sizeof name);
    int accepted = accept4(server, (struct sockaddr*)&name, &got, SOCK_CLOEXEC | SOCK_NONBLOCK);
    report("abstract accept4", accepted >= 0 ? 0 : -1);
    printf("abstract accept4 peer length: %u\n", got);
    report("abstract connect again", connect(client, (struct sockaddr*)&address, length));
    printf("abstract accepted flags: cloexec %d, nonblock %d\n",
           (fcntl(accepted, F_GETFD) & FD_CLOEXEC) != 0,
           (fcntl(accepted, F_GETFL) & O_NONBLOCK) != 0);
    char buffer[64] = {0};
    report("abstract recv", recv(accepted, buffer, sizeof buffer, 0));
    printf("abstract got: %s\n", buffer);
    got = sizeof name;
    getsockname(accepted, (struct sockaddr*)&name, &got);
    printf("abstract accepted name: length %u, same %d\n", got,
           memcmp(&name, &address, length) == 0);
    got = sizeof name;
    getpeername(client, (struct sockaddr*)&name, &got);
    printf("abstract client peer: length %u, same %d\n", got, memcmp(&name, &address, length) == 0);
    got = 4;
    report("abstract getsockname short", getsockname(server, (struct sockaddr*)&name, &got));
    printf("abstract short length: %u\n", got);
    struct ucred peer;
    socklen_t length_peer = sizeof peer;
    getsockopt(accepted, SOL_SOCKET, SO_PEERCRED, &peer, &length_peer);
    printf("abstract accepted peer: pid is getpid %d, uid %u\n", peer.pid == getpid(), peer.uid);
    report("abstract second connect now", connect(second, (struct sockaddr*)&address, length));
    close(second);
    close(accepted);
    close(client);
    // A listener closed with a connection never accepted resets it.
    report("abstract listen again with a larger backlog", listen(server, 8));
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(client, (struct sockaddr*)&address, length);
    close(server);
    report("abstract recv after listener closed", recv(client, buffer, sizeof buffer, 0));
    report("abstract send after listener closed", send(client, "x", 1, MSG_NOSIGNAL));
    close(client);
    client = socket(AF_UNIX, SOCK_STREAM, 0);
    report("abstract name free after close", connect(client, (struct sockaddr*)&address, length));
    close(client);

    // Autobind: bind with the family alone.
    int autobound = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un family_only = {.sun_family = AF_UNIX};
    report("autobind", bind(autobound, (struct sockaddr*)&family_only, sizeof(sa_family_t)));
    got = sizeof name;
    getsockname(autobound, (struct sockaddr*)&name, &got);
    printf("autobind name: length %u, abstract %d\n", got, name.sun_path[0] == 0);
    report("autobind again", bind(autobound, (struct sockaddr*)&family_only, sizeof(sa_family_t)));
    close(autobound);
}

static void datagram_names(void) {
    struct sockaddr_un a_address, b_address, from;
    socklen_t a_length = abstract_address(&a_address, "dgram-a", 7);
    socklen_t b_length = abstract_address(&b_address, "dgram-b", 7);
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(a, (struct sockaddr*)&a_address, a_length);
    bind(b, (struct sockaddr*)&b_address, b_length);
    report("dgram send unconnected", send(a, "x", 1, 0));
    report("dgram sendto", sendto(a, "to b", 4, 0, (struct sockaddr*)&b_address, b_length));
    char buffer[64] = {0};
    socklen_t from_length = sizeof from;
    report("dgram recvfrom",
           recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length));
    printf("dgram from: length %u, is a %d\n", from_length,
           memcmp(&from, &a_address, a_length) == 0);
    int anonymous = socket(AF_UNIX, SOCK_DGRAM, 0);
    sendto(anonymous, "anon", 4, 0, (struct sockaddr*)&b_address, b_length);
    from_length = sizeof from;
    report("dgram recvfrom unnamed sender",
           recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length));
    printf("dgram unnamed from length: %u\n", from_length);
    // A stranger fills a receiver's queue (net.unix.max_dgram_qlen) and is told EAGAIN.
    int queued = 0;
    while (sendto(anonymous, "q", 1, MSG_DONTWAIT, (struct sockaddr*)&b_address, b_length) == 1)
        ++queued;
    printf("dgram queued before %s: %d\n", strerrorname_np(errno), queued);
    report("dgram connect", connect(anonymous, (struct sockaddr*)&b_address, b_length));
    print_events("dgram connected to full", anonymous);
    recv(b, buffer, sizeof buffer, 0);
    print_events("dgram connected after one read", anonymous);
    // b connects to a: others may no longer send to b.
    report("dgram b connect a", connect(b, (struct sockaddr*)&a_address, a_length));
    report("dgram stranger to connected b", send(anonymous, "x", 1, MSG_DONTWAIT));
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    report("dgram disconnect", connect(b, &unspec, sizeof unspec));
    report("dgram sendto missing",
           sendto(a, "x", 1, 0, (struct sockaddr*)&(struct sockaddr_un){AF_UNIX, "\0nothing"}, 10));
    report("dgram sendto on stream", sendto(socket(AF_UNIX, SOCK_STREAM, 0), "x", 1, 0,
                                            (struct sockaddr*)&b_address, b_length));
    close(anonymous);
    close(a);
    close(b);
}

static void rights_and_credentials(void) {
    int sv[2], pipe_one[2], pipe_two[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(pipe_one);
    pipe(pipe_two);
    union {
        struct cmsghdr header;
        char bytes[CMSG_SPACE(2 * sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct iovec vector = {"F", 1};
    struct msghdr message = {0};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.bytes;
    message.msg_controllen = CMSG_SPACE(2 * sizeof(int));
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {pipe_one[0], pipe_two[0]};
    memcpy(CMSG_DATA(header), fds, sizeof fds);
    report("rights sendmsg", sendmsg(sv[0], &message, 0));
    // In flight, the files stay open although the sender closes its descriptors.
    close(pipe_one[0]);
    close(pipe_two[0]);
    report("rights pipe one still read", write(pipe_one[1], "through", 7));

    // Room for one descriptor only: the other is closed, MSG_CTRUNC says so.
    char byte;
    union {
        struct cmsghdr header;
        char bytes[CMSG_LEN(sizeof(int))];
    } small;
    struct iovec in = {&byte, 1};
    struct msghdr received = {0};
    received.msg_iov = &in;
    received.msg_iovlen = 1;
    received.msg_control = small.bytes;
    received.msg_controllen = sizeof small.bytes;
    report("rights recvmsg", recvmsg(sv[1], &received, MSG_CMSG_CLOEXEC));
    printf("rights MSG_CTRUNC: %d, controllen %zu\n", (received.msg_flags & MSG_CTRUNC) != 0,
           (size_t)received.msg_controllen);
    header = CMSG_FIRSTHDR(&received);
    int passed = -1;
    if (header && header->cmsg_type == SCM_RIGHTS) {
        printf("rights cmsg_len: %zu\n", (size_t)header->cmsg_len);
        memcpy(&passed, CMSG_DATA(header), sizeof passed);
    }
    char buffer[64] = {0};
    report("rights read passed pipe", read(passed, buffer, sizeof buffer));
    printf("rights got: %s, cloexec %d\n", buffer, (fcntl(passed, F_GETFD) & FD_CLOEXEC) != 0);
    signal(SIGPIPE, SIG_IGN);
    report("rights dropped pipe has no reader", write(pipe_two[1], "x", 1));
    signal(SIGPIPE, on_sigpipe);
    close(passed);

    // Files in a message never read close with the socket.
    int pipe_three[2];
    pipe(pipe_three);
    header = CMSG_FIRSTHDR(&message);
    header->cmsg_len = CMSG_LEN(sizeof(int));
    message.msg_controllen = CMSG_SPACE(sizeof(int));
    memcpy(CMSG_DATA(header), &pipe_three[0], sizeof(int));
    report("rights sendmsg unread", sendmsg(sv[0], &message, 0));
    close(pipe_three[0]);
    close(sv[1]);
    signal(SIGPIPE, SIG_IGN);
    report("rights unread closed", write(pipe_three[1], "x", 1));
    signal(SIGPIPE, on_sigpipe);
    close(sv[0]);

    // A descriptor that is not open.
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int bad = 999;
    memcpy(CMSG_DATA(header), &bad, sizeof bad);
    report("rights bad descriptor", sendmsg(sv[0], &message, 0));
    header->cmsg_type = 99;
    report("rights unknown type", sendmsg(sv[0], &message, 0));

    // SCM_CREDENTIALS: given with SO_PASSCRED, and sent explicitly.
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    report("credentials SO_PASSCRED", int_option(sv[1], SO_PASSCRED));
    send(sv[0], "c", 1, 0);
    union {
        struct cmsghdr header;
        char bytes[CMSG_SPACE(sizeof(struct ucred))];
    } credentials;
    received.msg_control = credentials.bytes;
    received.msg_controllen = sizeof credentials.bytes;
    report("credentials recvmsg", recvmsg(sv[1], &received, 0));
    header = CMSG_FIRSTHDR(&received);
    if (header && header->cmsg_type == SCM_CREDENTIALS) {
        struct ucred ucred;
        memcpy(&ucred, CMSG_DATA(header), sizeof ucred);
        printf("credentials: pid is getpid %d, uid %u, gid %u, cmsg_len %zu\n",
               ucred.pid == getpid(), ucred.uid, ucred.gid, (size_t)header->cmsg_len);
    }
    struct ucred mine = {getpid(), 0, 0};
    message.msg_control = credentials.bytes;
    message.msg_controllen = sizeof credentials.bytes;
    header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_CREDENTIALS;
    header->cmsg_len = CMSG_LEN(sizeof mine);
    memcpy(CMSG_DATA(header), &mine, sizeof mine);
    report("credentials sent explicitly", sendmsg(sv[0], &message, 0));
    mine.pid = getpid() + 12345;
    memcpy(CMSG_DATA(header), &mine, sizeof mine);
    report("credentials with a pid that is no process", sendmsg(sv[0], &message, 0));
    received.msg_controllen = 0;
    received.msg_control = NULL;
    report("credentials no control room", recvmsg(sv[1], &received, 0));
    printf("credentials MSG_CTRUNC: %d\n", (received.msg_flags & MSG_CTRUNC) != 0);
    close(sv[0]);
    close(sv[1]);
}

static int blocking_fd;

static void* late_writer(void* argument) {
    (void)argument;
    usleep(20000);
    send(blocking_fd, "wake", 4, 0);
    return NULL;
}

static void* late_connector(void* argument) {
    struct sockaddr_un* address = argument;
    usleep(20000);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    connect(fd, (struct sockaddr*)address, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 7));
    send(fd, "packet", 6, 0);
    close(fd);
    return NULL;
}

static void waiting(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | EPOLLOUT, .data.u32 = 7};
    epoll_ctl(epoll, EPOLL_CTL_ADD, sv[1], &event);
    struct epoll_event ready[4];
    int count = epoll_wait(epoll, ready, 4, 0);
    printf("epoll fresh: %d ready, events%s%s\n", count, ready[0].events & EPOLLIN ? " IN" : "",
           ready[0].events & EPOLLOUT ? " OUT" : "");
    event.events = EPOLLIN;
    epoll_ctl(epoll, EPOLL_CTL_MOD, sv[1], &event);
    report("epoll nothing yet", epoll_wait(epoll, ready, 4, 0));
    blocking_fd = sv[0];
    pthread_t thread;
    pthread_create(&thread, NULL, late_writer, NULL);
    count = epoll_wait(epoll, ready, 4, 5000);
    printf("epoll woken: %d ready, data %u, IN %d\n", count, ready[0].data.u32,
           (ready[0].events & EPOLLIN) != 0);
    pthread_join(thread, NULL);
    char buffer[64] = {0};
    recv(sv[1], buffer, sizeof buffer, 0);
    pthread_create(&thread, NULL, late_writer, NULL);
    report("blocking recv woken", recv(sv[1], buffer, sizeof buffer, 0));
    pthread_join(thread, NULL);
    struct timeval timeout = {0, 20000};
    setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    report("recv with SO_RCVTIMEO", recv(sv[1], buffer, sizeof buffer, 0));
    close(epoll);
    close(sv[0]);
    close(sv[1]);

    struct sockaddr_un address;
    socklen_t length = abstract_address(&address, "waiter", 6);
    int server = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    bind(server, (struct sockaddr*)&address, length);
    listen(server, 1);
    pthread_create(&thread, NULL, late_connector, &address);
    int accepted = accept(server, NULL, NULL);
    report("blocking accept woken", accepted >= 0 ? 0 : -1);
    report("seqpacket from the connector", recv(accepted, buffer, sizeof buffer, 0));
    report("seqpacket end after the connector closed", recv(accepted, buffer, sizeof buffer, 0));
    pthread_join(thread, NULL);
    close(accepted);
    close(server);
}

static void refusals(void) {
    report("socket bad type", socket(AF_UNIX, 99, 0));
    report("socket SOCK_RDM", socket(AF_UNIX, SOCK_RDM, 0));
    report("socket bad protocol", socket(AF_UNIX, SOCK_STREAM, 2));
    int sv[2];
    report("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, sv));
    report("socketpair bad flags", socketpair(AF_UNIX, SOCK_STREAM | 0x100000, 0, sv));
    report("socketpair bad pointer", socketpair(AF_UNIX, SOCK_STREAM, 0, (int*)8));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_INET};
    report("bind wrong family", bind(fd, (struct sockaddr*)&address, sizeof address));
    report("bind too long", bind(fd, (struct sockaddr*)&address, 200));
    report("bind negative length", bind(fd, (struct sockaddr*)&address, -1));
    report("recv unconnected stream", recv(fd, &address, 1, MSG_DONTWAIT));
    report("send unconnected stream", send(fd, "x", 1, MSG_NOSIGNAL));
    report("accept not listening", accept(fd, NULL, NULL));
    socklen_t length = sizeof address;
    report("getpeername unconnected", getpeername(fd, (struct sockaddr*)&address, &length));
    report("shutdown unconnected", shutdown(fd, SHUT_RDWR));
    int value = 0;
    report("setsockopt short", setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &value, 2));
    report("setsockopt unknown", setsockopt(fd, SOL_SOCKET, 12345, &value, sizeof value));
    report("setsockopt tcp level", setsockopt(fd, 6, 1, &value, sizeof value));
    value = 65536;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof value);
    report("SO_SNDBUF after 65536", int_option(fd, SO_SNDBUF));
    value = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof value);
    report("SO_RCVBUF after 1", int_option(fd, SO_RCVBUF));
    struct ucred peer;
    length = sizeof peer;
    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length);
    printf("SO_PEERCRED unconnected: pid %d, uid %d, gid %d\n", peer.pid, (int)peer.uid,
           (int)peer.gid);
    close(fd);
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    report("listen datagram", listen(fd, 1));
    report("accept datagram", accept(fd, NULL, NULL));
    report("recv unconnected seqpacket",
           recv(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0), &value, 1, 0));
    report("send unconnected seqpacket", send(socket(AF_UNIX, SOCK_SEQPACKET, 0), "x", 1, 0));
    report("FIONREAD on listener", ({
               struct sockaddr_un name;
               socklen_t n = abstract_address(&name, "fionread", 8);
               int listener = socket(AF_UNIX, SOCK_STREAM, 0);
               bind(listener, (struct sockaddr*)&name, n);
               listen(listener, 1);
               ioctl(listener, FIONREAD, &value);
           }));
    close(fd);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, on_sigpipe);
    stream_pair();
    datagram_pair();
    seqpacket_pair();
    abstract_names();
    datagram_names();
    rights_and_credentials();
    waiting();
    refusals();
    return 0;
}
