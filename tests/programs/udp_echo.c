// UDP echo, both ends, for the networking tests.
//   udp_echo serve PORT                      echoes every datagram back to its sender, on
//                                            [::] for both families (0.0.0.0 without IPv6)
//   udp_echo ping HOST PORT COUNT [SIZE]     sends COUNT datagrams of SIZE bytes (default 64,
//                                            at least 8) one at a time, each up to 5 times,
//                                            and checks that each comes back unchanged
//   udp_echo send HOST PORT COUNT [SIZE]     sends COUNT such datagrams at once and exits
//                                            without waiting for anything
//   udp_echo count PORT COUNT SECONDS        receives until COUNT intact, distinct datagrams
//                                            came or SECONDS passed, and prints "received N
//                                            of COUNT datagrams"; exits 0 when all came
// ping prints "echoed N of COUNT datagrams of SIZE bytes, R resent" and exits 0 when all came
// back; HOST is a numeric IPv4 or IPv6 address. Datagrams longer than the path are fragmented
// and reassembled by both ends' IP layers.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// The largest UDP payload over IPv6 (65535 less the UDP header); IPv4's is 20 bytes less.
enum { max_size = 65527, attempts = 5, wait_ms = 500 };

static int usage(void) {
    fprintf(stderr, "usage: udp_echo serve PORT\n"
                    "       udp_echo ping HOST PORT COUNT [SIZE]\n"
                    "       udp_echo send HOST PORT COUNT [SIZE]\n"
                    "       udp_echo count PORT COUNT SECONDS\n");
    return 2;
}

static int parse(const char* text, long low, long high, long* value) {
    char* end;
    errno = 0;
    *value = strtol(text, &end, 10);
    return errno == 0 && *text && !*end && *value >= low && *value <= high;
}

// A socket bound to PORT on every address: [::] with IPV6_V6ONLY off, or 0.0.0.0 where the
// kernel has no IPv6.
static int bind_every_address(int port) {
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        int off = 0;
        struct sockaddr_in6 address = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0 ||
            bind(fd, (struct sockaddr*)&address, sizeof address) < 0) {
            close(fd);
            return -1;
        }
        return fd;
    }
    if (errno != EAFNOSUPPORT)
        return -1;
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (fd < 0 || bind(fd, (struct sockaddr*)&address, sizeof address) < 0)
        return -1;
    return fd;
}

static int serve(int port) {
    int fd = bind_every_address(port);
    if (fd < 0) {
        perror("udp_echo: bind");
        return 1;
    }
    printf("udp_echo: echoing on UDP port %d\n", port);
    fflush(stdout);
    static char buffer[max_size];
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t peer_size = sizeof peer;
        ssize_t n = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr*)&peer, &peer_size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("udp_echo: recvfrom");
            return 1;
        }
        if (sendto(fd, buffer, (size_t)n, 0, (struct sockaddr*)&peer, peer_size) < 0)
            perror("udp_echo: sendto");
    }
}

// Datagram i: its number, then bytes derived from it, so a reordered or corrupted echo shows.
static void fill(char* p, long size, uint32_t sequence) {
    memcpy(p, &sequence, sizeof sequence);
    for (long j = (long)sizeof sequence; j < size; ++j)
        p[j] = (char)(sequence * 31u + (uint32_t)j);
}

// A socket connected to HOST (numeric, either family) on PORT, or -1 after saying why.
static int connect_to(const char* host, int port) {
    struct sockaddr_in address4 = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct sockaddr_in6 address6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    struct sockaddr* address = (struct sockaddr*)&address4;
    socklen_t address_size = sizeof address4;
    if (inet_pton(AF_INET, host, &address4.sin_addr) != 1) {
        if (inet_pton(AF_INET6, host, &address6.sin6_addr) != 1) {
            fprintf(stderr, "udp_echo: '%s' is not a numeric IPv4 or IPv6 address\n", host);
            return -1;
        }
        address = (struct sockaddr*)&address6;
        address_size = sizeof address6;
    }
    int fd = socket(address->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, address, address_size) < 0) {
        perror("udp_echo: connect");
        return -1;
    }
    return fd;
}

static int ping(const char* host, int port, long count, long size) {
    int fd = connect_to(host, port);
    if (fd < 0)
        return 1;
    static char sent[max_size], received[max_size + 1];
    long echoed = 0, resent = 0;
    for (long i = 0; i < count; ++i) {
        fill(sent, size, (uint32_t)i);
        for (int attempt = 0; attempt < attempts; ++attempt) {
            if (attempt > 0)
                ++resent;
            if (send(fd, sent, (size_t)size, 0) < 0 && errno != ECONNREFUSED) {
                perror("udp_echo: send");
                return 1;
            }
            int done = 0;
            struct pollfd waiting = {.fd = fd, .events = POLLIN};
            while (!done && poll(&waiting, 1, wait_ms) > 0) {
                ssize_t n = recv(fd, received, sizeof received, 0);
                if (n < 0)
                    break; // e.g. ECONNREFUSED while the server starts: send again
                // An echo of an earlier attempt or datagram is skipped.
                done = n == size && memcmp(received, sent, (size_t)size) == 0;
            }
            if (done) {
                ++echoed;
                break;
            }
        }
    }
    printf("echoed %ld of %ld datagrams of %ld bytes, %ld resent\n", echoed, count, size, resent);
    return echoed == count ? 0 : 1;
}

// What a program sends just before it ends: the datagrams must still reach the peer.
static int send_all(const char* host, int port, long count, long size) {
    int fd = connect_to(host, port);
    if (fd < 0)
        return 1;
    static char datagram[max_size];
    for (long i = 0; i < count; ++i) {
        fill(datagram, size, (uint32_t)i);
        if (send(fd, datagram, (size_t)size, 0) != size) {
            perror("udp_echo: send");
            return 1;
        }
    }
    return 0;
}

static int count_arrivals(int port, long count, long seconds) {
    int fd = bind_every_address(port);
    if (fd < 0) {
        perror("udp_echo: bind");
        return 1;
    }
    printf("udp_echo: counting on UDP port %d\n", port);
    fflush(stdout);
    static char received[max_size + 1], expected[max_size];
    static unsigned char seen[100000];
    long arrived = 0;
    for (long waited_ms = 0; arrived < count && waited_ms < seconds * 1000;) {
        struct pollfd waiting = {.fd = fd, .events = POLLIN};
        if (poll(&waiting, 1, 100) <= 0) {
            waited_ms += 100;
            continue;
        }
        ssize_t n = recv(fd, received, sizeof received, 0);
        uint32_t sequence;
        if (n < (ssize_t)sizeof sequence)
            continue;
        memcpy(&sequence, received, sizeof sequence);
        fill(expected, n, sequence);
        if (sequence < (uint32_t)count && !seen[sequence] && memcmp(received, expected, n) == 0) {
            seen[sequence] = 1;
            ++arrived;
        }
    }
    printf("received %ld of %ld datagrams\n", arrived, count);
    return arrived == count ? 0 : 1;
}

int main(int argc, char** argv) {
    long port, count, size = 64;
    if (argc == 3 && strcmp(argv[1], "serve") == 0 && parse(argv[2], 1, 65535, &port))
        return serve((int)port);
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "ping") == 0 &&
        parse(argv[3], 1, 65535, &port) && parse(argv[4], 1, 100000000, &count) &&
        (argc == 5 || parse(argv[5], 8, max_size, &size)))
        return ping(argv[2], (int)port, count, size);
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "send") == 0 &&
        parse(argv[3], 1, 65535, &port) && parse(argv[4], 1, 100000000, &count) &&
        (argc == 5 || parse(argv[5], 8, max_size, &size)))
        return send_all(argv[2], (int)port, count, size);
    long seconds;
    if (argc == 5 && strcmp(argv[1], "count") == 0 && parse(argv[2], 1, 65535, &port) &&
        parse(argv[3], 1, 100000, &count) && parse(argv[4], 1, 3600, &seconds))
        return count_arrivals((int)port, count, seconds);
    return usage();
}
