// TCP on AF_INET6 sockets, as Linux answers it (ipv6(7), tcp(7)): a listener on [::] with
// IPV6_V6ONLY off accepts IPv4 clients as ::ffff:127.0.0.1 (RFC 4291 2.5.5.2) besides ::1 and
// mapped AF_INET6 clients; an AF_INET6 client reaches an AF_INET listener through the mapped
// address; IPV6_V6ONLY refuses IPv4 on both ends; bind conflicts across the families; the
// errno of mismatched address families and of a closed port on ::1. Every connection names
// both ends, carries data both ways and ends in a half-close and a close read as end of file.
// One process: a blocking connect completes into the listener's accept queue. The expected
// output is the program's natively.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    dual_port = 7111,
    only_port = 7112,
    ipv4_port = 7113,
    conflict_dual_port = 7114,
    conflict_only_port = 7115,
    closed_port = 7116,
};

static struct sockaddr_in ipv4(const char* text, int port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, text, &address.sin_addr);
    return address;
}

static struct sockaddr_in6 ipv6(const char* text, int port) {
    struct sockaddr_in6 address;
    memset(&address, 0, sizeof address);
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    inet_pton(AF_INET6, text, &address.sin6_addr);
    return address;
}

static void result(const char* what, long value) {
    printf("%s: %s\n", what, value < 0 ? strerrorname_np(errno) : "ok");
}

// A stream socket of FAMILY; for AF_INET6 with IPV6_V6ONLY set to V6_ONLY, not left to the
// system's default (Linux's net.ipv6.bindv6only).
static int stream(int family, int v6_only) {
    int fd = socket(family, SOCK_STREAM, 0);
    if (family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, sizeof v6_only) < 0)
        result("IPV6_V6ONLY", -1);
    return fd;
}

// A new socket bound to ADDRESS, kept open so that later binds meet it.
static int bound(const char* what, int family, int v6_only, const void* address, socklen_t length) {
    int fd = stream(family, v6_only);
    result(what, bind(fd, address, length));
    return fd;
}

static int listening(const char* what, int family, int v6_only, const void* address,
                     socklen_t length) {
    int fd = stream(family, v6_only);
    result(what, bind(fd, address, length) < 0 ? -1 : listen(fd, 8));
    return fd;
}

// The port's number, or "the client's port" for CLIENT_PORT: ephemeral ports differ by run.
static void print_address(const char* what, const struct sockaddr_storage* address,
                          socklen_t length, int client_port) {
    char text[INET6_ADDRSTRLEN] = "?";
    int port;
    if (address->ss_family == AF_INET6) {
        const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)address;
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        port = ntohs(in6->sin6_port);
        printf("  %s: AF_INET6 [%s]:", what, text);
    } else if (address->ss_family == AF_INET) {
        const struct sockaddr_in* in = (const struct sockaddr_in*)address;
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
        printf("  %s: AF_INET %s:", what, text);
    } else {
        printf("  %s: family %d, length %u\n", what, address->ss_family, length);
        return;
    }
    if (port == client_port)
        printf("the client's port, length %u\n", length);
    else
        printf("%d, length %u\n", port, length);
}

static int local_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr*)&address, &length) < 0)
        return -1;
    return ntohs(address.ss_family == AF_INET6 ? ((struct sockaddr_in6*)&address)->sin6_port
                                               : ((struct sockaddr_in*)&address)->sin_port);
}

static void print_names(const char* side, int fd, int client_port) {
    char what[64];
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    snprintf(what, sizeof what, "%s's name", side);
    if (getsockname(fd, (struct sockaddr*)&address, &length) < 0)
        result(what, -1);
    else
        print_address(what, &address, length, client_port);
    snprintf(what, sizeof what, "%s's peer", side);
    length = sizeof address;
    if (getpeername(fd, (struct sockaddr*)&address, &length) < 0)
        result(what, -1);
    else
        print_address(what, &address, length, client_port);
}

static void transfer(const char* what, int from, int to, const char* data) {
    char got[64] = {0};
    ssize_t sent = send(from, data, strlen(data), 0);
    ssize_t received = recv(to, got, sizeof got - 1, 0);
    printf("  %s: sent %zd, received %zd \"%s\"\n", what, sent, received, got);
}

static void read_end(const char* who, int fd) {
    char byte;
    ssize_t got = recv(fd, &byte, 1, 0);
    printf("  %s reads %s\n", who,
           got == 0  ? "end of file"
           : got < 0 ? strerrorname_np(errno)
                     : "data");
}

// A client of FAMILY connects to TO, which LISTENER serves: the address accept gives, both
// ends' names, data both ways, then the client's shutdown(SHUT_WR) and the server's close.
static void connection(const char* what, int listener, int family, const void* to,
                       socklen_t to_length) {
    printf("%s\n", what);
    int client = stream(family, 0);
    if (connect(client, to, to_length) < 0) {
        result("  connect", -1);
        close(client);
        return;
    }
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    int server = accept(listener, (struct sockaddr*)&peer, &length);
    if (server < 0) {
        result("  accept", -1);
        close(client);
        return;
    }
    int client_port = local_port(client);
    print_address("accept's peer", &peer, length, client_port);
    print_names("client", client, client_port);
    print_names("server", server, client_port);
    transfer("client to server", client, server, "ping");
    transfer("server to client", server, client, "pong");
    result("  the client's shutdown(SHUT_WR)", shutdown(client, SHUT_WR));
    read_end("the server", server);
    transfer("server to client after it", server, client, "still");
    close(server);
    read_end("the client", client);
    close(client);
}

// connect from a new socket that must fail, with the errno it fails with.
static void refused(const char* what, int family, int v6_only, const void* to,
                    socklen_t to_length) {
    int fd = stream(family, v6_only);
    result(what, connect(fd, to, to_length));
    close(fd);
}

int main(void) {
    int fresh = socket(AF_INET6, SOCK_STREAM, 0);
    int v6_only = -1;
    socklen_t option_length = sizeof v6_only;
    getsockopt(fresh, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, &option_length);
    int domain = -1;
    option_length = sizeof domain;
    getsockopt(fresh, SOL_SOCKET, SO_DOMAIN, &domain, &option_length);
    printf("a new AF_INET6 stream socket: IPV6_V6ONLY %d, SO_DOMAIN %s\n", v6_only,
           domain == AF_INET6 ? "AF_INET6" : "not AF_INET6");
    close(fresh);

    struct sockaddr_in6 any6 = ipv6("::", dual_port);
    int dual = listening("a dual-stack listener on [::]", AF_INET6, 0, &any6, sizeof any6);
    int on = 1;
    result("IPV6_V6ONLY changed after bind",
           setsockopt(dual, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on));
    struct sockaddr_in v4 = ipv4("127.0.0.1", dual_port);
    connection("AF_INET client to 127.0.0.1", dual, AF_INET, &v4, sizeof v4);
    struct sockaddr_in6 loopback6 = ipv6("::1", dual_port);
    connection("AF_INET6 client to [::1]", dual, AF_INET6, &loopback6, sizeof loopback6);
    struct sockaddr_in6 mapped = ipv6("::ffff:127.0.0.1", dual_port);
    connection("AF_INET6 client to [::ffff:127.0.0.1]", dual, AF_INET6, &mapped, sizeof mapped);
    refused("a V6ONLY client to [::ffff:127.0.0.1]: connect", AF_INET6, 1, &mapped, sizeof mapped);

    struct sockaddr_in6 any_only = ipv6("::", only_port);
    int only = listening("a V6ONLY listener on [::]", AF_INET6, 1, &any_only, sizeof any_only);
    struct sockaddr_in6 loopback_only = ipv6("::1", only_port);
    connection("AF_INET6 client to [::1], V6ONLY listener", only, AF_INET6, &loopback_only,
               sizeof loopback_only);
    struct sockaddr_in v4_only = ipv4("127.0.0.1", only_port);
    refused("AF_INET client to 127.0.0.1, V6ONLY listener: connect", AF_INET, 0, &v4_only,
            sizeof v4_only);
    struct sockaddr_in6 mapped_only = ipv6("::ffff:127.0.0.1", only_port);
    refused("AF_INET6 client to [::ffff:127.0.0.1], V6ONLY listener: connect", AF_INET6, 0,
            &mapped_only, sizeof mapped_only);

    struct sockaddr_in any4 = ipv4("0.0.0.0", ipv4_port);
    int ipv4_listener = listening("an AF_INET listener on 0.0.0.0", AF_INET, 0, &any4, sizeof any4);
    struct sockaddr_in6 mapped4 = ipv6("::ffff:127.0.0.1", ipv4_port);
    connection("AF_INET6 client to [::ffff:127.0.0.1], AF_INET listener", ipv4_listener, AF_INET6,
               &mapped4, sizeof mapped4);
    struct sockaddr_in6 loopback4 = ipv6("::1", ipv4_port);
    refused("AF_INET6 client to [::1], AF_INET listener: connect", AF_INET6, 0, &loopback4,
            sizeof loopback4);

    // Bind conflicts: a dual-stack [::] holds the port in both families, a V6ONLY one in IPv6
    // alone; an AF_INET6 socket on ::1 shares nothing with IPv4.
    struct sockaddr_in6 conflict6 = ipv6("::", conflict_dual_port);
    int conflict = bound("bind [::], dual-stack", AF_INET6, 0, &conflict6, sizeof conflict6);
    struct sockaddr_in conflict4 = ipv4("0.0.0.0", conflict_dual_port);
    close(bound("then AF_INET bind 0.0.0.0", AF_INET, 0, &conflict4, sizeof conflict4));
    struct sockaddr_in conflict_loopback = ipv4("127.0.0.1", conflict_dual_port);
    close(bound("then AF_INET bind 127.0.0.1", AF_INET, 0, &conflict_loopback,
                sizeof conflict_loopback));
    struct sockaddr_in6 conflict_mapped = ipv6("::ffff:127.0.0.1", conflict_dual_port);
    close(bound("then AF_INET6 bind [::ffff:127.0.0.1]", AF_INET6, 0, &conflict_mapped,
                sizeof conflict_mapped));
    struct sockaddr_in6 only6 = ipv6("::", conflict_only_port);
    int conflict_only = bound("bind [::], V6ONLY", AF_INET6, 1, &only6, sizeof only6);
    struct sockaddr_in only4 = ipv4("0.0.0.0", conflict_only_port);
    close(bound("then AF_INET bind 0.0.0.0", AF_INET, 0, &only4, sizeof only4));
    struct sockaddr_in6 after4 = ipv6("::", ipv4_port);
    close(bound("AF_INET listener's port: bind [::], dual-stack", AF_INET6, 0, &after4,
                sizeof after4));
    close(bound("AF_INET listener's port: bind [::], V6ONLY", AF_INET6, 1, &after4, sizeof after4));
    close(bound("AF_INET listener's port: bind [::1], dual-stack", AF_INET6, 0, &loopback4,
                sizeof loopback4));

    // Mismatched families: for TCP, unlike UDP, an AF_INET6 socket takes no sockaddr_in.
    struct sockaddr_in any_port4 = ipv4("0.0.0.0", 0);
    close(
        bound("an AF_INET6 socket binds a sockaddr_in", AF_INET6, 0, &any_port4, sizeof any_port4));
    refused("an AF_INET6 socket connects to a sockaddr_in", AF_INET6, 0, &v4, sizeof v4);
    refused("an AF_INET socket connects to a sockaddr_in6", AF_INET, 0, &loopback6,
            sizeof loopback6);

    struct sockaddr_in6 closed = ipv6("::1", closed_port);
    refused("a closed port on [::1]: connect", AF_INET6, 0, &closed, sizeof closed);

    close(conflict_only);
    close(conflict);
    close(ipv4_listener);
    close(only);
    close(dual);
    return 0;
}
