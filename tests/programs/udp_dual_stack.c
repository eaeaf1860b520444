// UDP on an AF_INET6 socket bound to [::], over 127.0.0.1: IPv4 peers seen as ::ffff:127.0.0.1,
// replies to a sockaddr_in and to the mapped sockaddr_in6, connect with either, connect(AF_UNSPEC)
// forgetting the peer, and what IPV6_V6ONLY refuses (ipv6(7), udp(7)); then IPv6 loopback: ::1
// between two sockets, and a closed port's ICMPv6 port unreachable reaching a connected socket.
// The expected output is the program's natively.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { dual_port = 7101, only_port = 7102, loopback_port = 7103, closed_port = 7104 };

static struct sockaddr_in ipv4(int port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

static struct sockaddr_in6 mapped(int port) {
    struct sockaddr_in6 address;
    memset(&address, 0, sizeof address);
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &address.sin6_addr);
    return address;
}

static int bound_ipv6(int port, int v6_only) {
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, sizeof v6_only);
    struct sockaddr_in6 any;
    memset(&any, 0, sizeof any);
    any.sin6_family = AF_INET6;
    any.sin6_port = htons(port);
    any.sin6_addr = in6addr_any;
    if (bind(fd, (struct sockaddr*)&any, sizeof any) < 0)
        printf("bind [::]:%d: %s\n", port, strerrorname_np(errno));
    return fd;
}

// One datagram, with its sender as the AF_INET6 socket names it.
static void receive(int fd, const char* what) {
    char data[64] = {0}, text[INET6_ADDRSTRLEN] = "?";
    struct sockaddr_in6 sender;
    socklen_t length = sizeof sender;
    ssize_t got = recvfrom(fd, data, sizeof data - 1, 0, (struct sockaddr*)&sender, &length);
    inet_ntop(AF_INET6, &sender.sin6_addr, text, sizeof text);
    printf("%s: %zd \"%s\" from [%s], family %s, length %u\n", what, got, data, text,
           sender.sin6_family == AF_INET6 ? "AF_INET6" : "other", length);
}

static void result(const char* what, long value) {
    printf("%s: %s\n", what, value < 0 ? strerrorname_np(errno) : "ok");
}

int main(void) {
    int server = bound_ipv6(dual_port, 0);
    int v6_only = -1;
    socklen_t option_length = sizeof v6_only;
    getsockopt(server, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, &option_length);
    printf("IPV6_V6ONLY %d\n", v6_only);
    int dont_fragment = 1;
    setsockopt(server, IPPROTO_IPV6, IPV6_DONTFRAG, &dont_fragment, sizeof dont_fragment);
    dont_fragment = -1;
    option_length = sizeof dont_fragment;
    getsockopt(server, IPPROTO_IPV6, IPV6_DONTFRAG, &dont_fragment, &option_length);
    printf("IPV6_DONTFRAG set: %d\n", dont_fragment);
    dont_fragment = 0;
    setsockopt(server, IPPROTO_IPV6, IPV6_DONTFRAG, &dont_fragment, sizeof dont_fragment);

    int discovery = -1;
    option_length = sizeof discovery;
    getsockopt(server, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &discovery, &option_length);
    printf("IPV6_MTU_DISCOVER: %d\n", discovery);

    int client = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to_server = ipv4(dual_port);
    sendto(client, "hello", 5, 0, (struct sockaddr*)&to_server, sizeof to_server);
    receive(server, "from an AF_INET client");

    // IP_MTU_DISCOVER: WANT by default; DO still sends whole what loopback carries (its MTU is
    // 64 KiB); values past IP_PMTUDISC_OMIT are refused.
    option_length = sizeof discovery;
    getsockopt(client, IPPROTO_IP, IP_MTU_DISCOVER, &discovery, &option_length);
    printf("IP_MTU_DISCOVER: %d\n", discovery);
    discovery = IP_PMTUDISC_DO;
    result("IP_MTU_DISCOVER DO",
           setsockopt(client, IPPROTO_IP, IP_MTU_DISCOVER, &discovery, sizeof discovery));
    option_length = sizeof discovery;
    getsockopt(client, IPPROTO_IP, IP_MTU_DISCOVER, &discovery, &option_length);
    printf("IP_MTU_DISCOVER now: %d\n", discovery);
    discovery = IP_PMTUDISC_OMIT + 1;
    result("IP_MTU_DISCOVER past OMIT",
           setsockopt(client, IPPROTO_IP, IP_MTU_DISCOVER, &discovery, sizeof discovery));
    static char big[3000];
    result("sendto 3000 bytes with DO",
           sendto(client, big, sizeof big, 0, (struct sockaddr*)&to_server, sizeof to_server));
    char drained[sizeof big];
    printf("the server got %zd bytes\n", recv(server, drained, sizeof drained, 0));

    // Replies to the client: by a sockaddr_in and by its mapped sockaddr_in6.
    struct sockaddr_in client_address;
    socklen_t length = sizeof client_address;
    getsockname(client, (struct sockaddr*)&client_address, &length);
    int client_port = ntohs(client_address.sin_port);
    struct sockaddr_in reply_v4 = ipv4(client_port);
    struct sockaddr_in6 reply_mapped = mapped(client_port);
    result("sendto a sockaddr_in",
           sendto(server, "by v4", 5, 0, (struct sockaddr*)&reply_v4, sizeof reply_v4));
    result("sendto the mapped sockaddr_in6",
           sendto(server, "by v6", 5, 0, (struct sockaddr*)&reply_mapped, sizeof reply_mapped));
    for (int i = 0; i < 2; ++i) {
        char data[16] = {0};
        ssize_t got = recv(client, data, sizeof data - 1, 0);
        printf("the client got %zd \"%s\"\n", got, data);
    }
    result("sendto a short sockaddr_in",
           sendto(server, "x", 1, 0, (struct sockaddr*)&reply_v4, sizeof reply_v4 - 1));

    // connect by a sockaddr_in, then forget the peer with AF_UNSPEC.
    result("connect a sockaddr_in", connect(server, (struct sockaddr*)&reply_v4, sizeof reply_v4));
    struct sockaddr_in6 peer;
    length = sizeof peer;
    result("getpeername", getpeername(server, (struct sockaddr*)&peer, &length));
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
    printf("peer [%s]:%s\n", text,
           ntohs(peer.sin6_port) == client_port ? "the client's port" : "?");
    result("send connected", send(server, "connected", 9, 0));
    char data[16] = {0};
    printf("the client got %zd \"%s\"\n", recv(client, data, sizeof data - 1, 0), data);
    struct sockaddr unspecified;
    memset(&unspecified, 0, sizeof unspecified);
    unspecified.sa_family = AF_UNSPEC;
    result("connect AF_UNSPEC", connect(server, &unspecified, sizeof unspecified));
    result("send after forgetting the peer", send(server, "x", 1, 0));
    result("connect the mapped sockaddr_in6",
           connect(server, (struct sockaddr*)&reply_mapped, sizeof reply_mapped));
    result("send connected again", send(server, "again", 5, 0));
    memset(data, 0, sizeof data);
    printf("the client got %zd \"%s\"\n", recv(client, data, sizeof data - 1, 0), data);
    result("connect AF_UNSPEC on AF_INET", connect(client, &unspecified, sizeof unspecified));
    // udp_sendmsg takes AF_UNSPEC for AF_INET.
    int plain = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in plain_address = ipv4(0);
    bind(plain, (struct sockaddr*)&plain_address, sizeof plain_address);
    length = sizeof plain_address;
    getsockname(plain, (struct sockaddr*)&plain_address, &length);
    plain_address.sin_family = AF_UNSPEC;
    result("sendto an AF_UNSPEC sockaddr_in on AF_INET",
           sendto(client, "unspec", 6, 0, (struct sockaddr*)&plain_address, sizeof plain_address));
    memset(data, 0, sizeof data);
    printf("it got %zd \"%s\"\n", recv(plain, data, sizeof data - 1, 0), data);

    // IPV6_V6ONLY: no IPv4 by either form, and fixed once the socket has a port.
    int only = bound_ipv6(only_port, 1);
    result("IPV6_V6ONLY: connect a sockaddr_in",
           connect(only, (struct sockaddr*)&reply_v4, sizeof reply_v4));
    result("IPV6_V6ONLY: connect the mapped sockaddr_in6",
           connect(only, (struct sockaddr*)&reply_mapped, sizeof reply_mapped));
    result("IPV6_V6ONLY: sendto a sockaddr_in",
           sendto(only, "x", 1, 0, (struct sockaddr*)&reply_v4, sizeof reply_v4));
    result("IPV6_V6ONLY: sendto the mapped sockaddr_in6",
           sendto(only, "x", 1, 0, (struct sockaddr*)&reply_mapped, sizeof reply_mapped));
    int off = 0;
    result("IPV6_V6ONLY changed after bind",
           setsockopt(only, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
    struct sockaddr_in to_only = ipv4(only_port);
    result("an AF_INET socket binds the V6ONLY socket's port",
           bind(socket(AF_INET, SOCK_DGRAM, 0), (struct sockaddr*)&to_only, sizeof to_only));
    struct sockaddr_in to_dual = ipv4(dual_port);
    result("an AF_INET socket binds the dual-stack socket's port",
           bind(socket(AF_INET, SOCK_DGRAM, 0), (struct sockaddr*)&to_dual, sizeof to_dual));
    result("an AF_INET6 socket binds a sockaddr_in",
           bind(socket(AF_INET6, SOCK_DGRAM, 0), (struct sockaddr*)&to_dual, sizeof to_dual));

    // ::1, both ways, and a closed port on it.
    int near = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 at;
    memset(&at, 0, sizeof at);
    at.sin6_family = AF_INET6;
    at.sin6_port = htons(loopback_port);
    at.sin6_addr = in6addr_loopback;
    result("bind [::1]", bind(near, (struct sockaddr*)&at, sizeof at));
    int far = socket(AF_INET6, SOCK_DGRAM, 0);
    result("sendto [::1]", sendto(far, "loop", 4, 0, (struct sockaddr*)&at, sizeof at));
    receive(near, "over ::1");
    struct sockaddr_in6 back;
    length = sizeof back;
    getsockname(far, (struct sockaddr*)&back, &length);
    back.sin6_addr = in6addr_loopback;
    result("reply over ::1", sendto(near, "back", 4, 0, (struct sockaddr*)&back, sizeof back));
    memset(data, 0, sizeof data);
    printf("the sender got %zd \"%s\"\n", recv(far, data, sizeof data - 1, 0), data);
    struct sockaddr_in6 closed = at;
    closed.sin6_port = htons(closed_port);
    result("connect a closed port on ::1", connect(far, (struct sockaddr*)&closed, sizeof closed));
    result("send to it", send(far, "x", 1, 0));
    struct pollfd wait = {far, POLLIN, 0};
    poll(&wait, 1, 5000);
    printf("poll: POLLERR %d\n", (wait.revents & POLLERR) != 0);
    result("recv after port unreachable", recv(far, data, sizeof data, MSG_DONTWAIT));
    return 0;
}
