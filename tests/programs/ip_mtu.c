// IP_MTU and IPV6_MTU (ip(7), ipv6(7)): the path MTU of a connected socket, ENOTCONN without
// a peer, over 127.0.0.1 and ::1, for UDP and TCP; IPV6_MTU set on a UDP socket bounds its
// datagrams under IPV6_DONTFRAG and leaves what getsockopt reads alone. The expected output is
// the program's natively.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void show(const char* what, int fd, int level, int name) {
    int value = 0;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) != 0)
        printf("%s: %s\n", what,
               errno == ENOTCONN      ? "ENOTCONN"
               : errno == ENOPROTOOPT ? "ENOPROTOOPT"
                                      : strerror(errno));
    else
        printf("%s: %d\n", what, value);
}

int main(void) {
    struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons(7000)};
    inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons(7001)};
    v6.sin6_addr = in6addr_loopback;

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    show("UDP IP_MTU unconnected", udp, IPPROTO_IP, IP_MTU);
    connect(udp, (struct sockaddr*)&v4, sizeof v4);
    show("UDP IP_MTU to 127.0.0.1", udp, IPPROTO_IP, IP_MTU);
    show("UDP IPV6_MTU on AF_INET", udp, IPPROTO_IPV6, IPV6_MTU);
    int value = 1400;
    printf("setting IP_MTU: %s\n", setsockopt(udp, IPPROTO_IP, IP_MTU, &value, sizeof value) == 0
                                       ? "ok"
                                   : errno == ENOPROTOOPT ? "ENOPROTOOPT"
                                                          : strerror(errno));
    struct sockaddr unspecified = {.sa_family = AF_UNSPEC};
    connect(udp, &unspecified, sizeof unspecified);
    show("UDP IP_MTU after connect(AF_UNSPEC)", udp, IPPROTO_IP, IP_MTU);

    int udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
    show("UDP IPV6_MTU unconnected", udp6, IPPROTO_IPV6, IPV6_MTU);
    connect(udp6, (struct sockaddr*)&v6, sizeof v6);
    show("UDP IPV6_MTU to ::1", udp6, IPPROTO_IPV6, IPV6_MTU);
    show("UDP IP_MTU to ::1", udp6, IPPROTO_IP, IP_MTU);

    // IPV6_MTU set: the largest fragment, and with IPV6_DONTFRAG the largest datagram.
    int receiver6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 sink = v6;
    sink.sin6_port = htons(7002);
    bind(receiver6, (struct sockaddr*)&sink, sizeof sink);
    int sender6 = socket(AF_INET6, SOCK_DGRAM, 0);
    connect(sender6, (struct sockaddr*)&sink, sizeof sink);
    int sizes[] = {-1, 1279, 70001, 1280};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; ++i) {
        int result = setsockopt(sender6, IPPROTO_IPV6, IPV6_MTU, &sizes[i], sizeof sizes[i]);
        printf("setting IPV6_MTU %d: %s\n", sizes[i],
               result == 0       ? "ok"
               : errno == EINVAL ? "EINVAL"
                                 : strerror(errno));
    }
    show("UDP IPV6_MTU after setting 1280", sender6, IPPROTO_IPV6, IPV6_MTU);
    static char datagram[2000];
    for (int dont_fragment = 1; dont_fragment >= 0; --dont_fragment) {
        setsockopt(sender6, IPPROTO_IPV6, IPV6_DONTFRAG, &dont_fragment, sizeof dont_fragment);
        for (size_t size = 1200; size <= 2000; size += 800) {
            ssize_t sent = send(sender6, datagram, size, 0);
            printf("%zu bytes%s: %s\n", size, dont_fragment ? " with IPV6_DONTFRAG" : "",
                   sent >= 0           ? "sent"
                   : errno == EMSGSIZE ? "EMSGSIZE"
                                       : strerror(errno));
        }
    }
    for (ssize_t got; (got = recv(receiver6, datagram, sizeof datagram, MSG_DONTWAIT)) >= 0;)
        printf("received %zd bytes\n", got);
    int unset = 0;
    setsockopt(sender6, IPPROTO_IPV6, IPV6_MTU, &unset, sizeof unset);
    int on = 1;
    setsockopt(sender6, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof on);
    printf("2000 bytes with IPV6_DONTFRAG after setting 0: %s\n",
           send(sender6, datagram, 2000, 0) >= 0 ? "sent" : strerror(errno));
    close(sender6);
    close(receiver6);

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    bind(listener, (struct sockaddr*)&v4, sizeof v4);
    listen(listener, 1);
    show("TCP IP_MTU of a listener", listener, IPPROTO_IP, IP_MTU);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    show("TCP IP_MTU unconnected", client, IPPROTO_IP, IP_MTU);
    connect(client, (struct sockaddr*)&v4, sizeof v4);
    int accepted = accept(listener, NULL, NULL);
    show("TCP IP_MTU of the client", client, IPPROTO_IP, IP_MTU);
    show("TCP IP_MTU of the accepted", accepted, IPPROTO_IP, IP_MTU);

    int listener6 = socket(AF_INET6, SOCK_STREAM, 0);
    setsockopt(listener6, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    bind(listener6, (struct sockaddr*)&v6, sizeof v6);
    listen(listener6, 1);
    int client6 = socket(AF_INET6, SOCK_STREAM, 0);
    connect(client6, (struct sockaddr*)&v6, sizeof v6);
    show("TCP IPV6_MTU to ::1", client6, IPPROTO_IPV6, IPV6_MTU);
    close(client6);
    close(listener6);
    close(accepted);
    close(client);
    close(listener);
    close(udp6);
    close(udp);
    return 0;
}
