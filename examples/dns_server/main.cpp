// A UDP DNS server answering authoritatively for example.test from a zone compiled in.
//   dns_server [PORT]       (PORT defaults to 53)
// It listens on both families through one IPv6 socket bound to [::] with IPV6_V6ONLY off
// (IPv4 clients appear as ::ffff:a.b.c.d, RFC 4291 2.5.5.2), and on IPv4 alone where the
// system has no IPv6.
// Queries it cannot parse get FORMERR, other opcodes NOTIMP, names outside the zone REFUSED;
// messages shorter than a header, and responses, are ignored.
#include "responder.h"
#include "zone.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A UDP socket bound to PORT on every address of both families, or of IPv4 alone.
int listen_on(std::uint16_t port) {
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        int v6_only = 0; // set, not left to the system's default (Linux's bindv6only sysctl)
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_port = htons(port);
        address.sin6_addr = in6addr_any;
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, sizeof v6_only) < 0 ||
            bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
            int error = errno;
            close(fd);
            errno = error;
            return -1;
        }
        return fd;
    }
    if (errno != EAFNOSUPPORT)
        return -1;
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

} // namespace

int main(int argc, char** argv) {
    int port = 53;
    if (argc > 2 || (argc == 2 && (std::string_view(argv[1]).find_first_not_of("0123456789") !=
                                       std::string_view::npos ||
                                   std::atoi(argv[1]) <= 0 || std::atoi(argv[1]) > 65535))) {
        std::fprintf(stderr, "usage: dns_server [PORT]\n");
        return 2;
    }
    if (argc == 2)
        port = std::atoi(argv[1]);
    int fd = listen_on(static_cast<std::uint16_t>(port));
    if (fd < 0) {
        std::fprintf(stderr, "dns_server: cannot listen on UDP port %d: %s\n", port,
                     std::strerror(errno));
        return 1;
    }
    const dns::Zone& zone = dns::example_zone();
    std::printf("dns_server: serving %s on UDP port %d\n", zone.origin.c_str(), port);
    std::fflush(stdout);

    unsigned long answered = 0, ignored = 0;
    for (;;) {
        static std::uint8_t query[65536]; // the largest UDP payload: nothing is cut
        sockaddr_storage client{};
        socklen_t client_size = sizeof client;
        ssize_t n = recvfrom(fd, query, sizeof query, 0, reinterpret_cast<sockaddr*>(&client),
                             &client_size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            std::fprintf(stderr, "dns_server: recvfrom: %s\n", std::strerror(errno));
            return 1;
        }
        std::optional<std::vector<std::uint8_t>> response =
            dns::respond({query, static_cast<std::size_t>(n)}, zone);
        if (!response) {
            ++ignored;
            continue;
        }
        if (sendto(fd, response->data(), response->size(), 0, reinterpret_cast<sockaddr*>(&client),
                   client_size) < 0)
            std::fprintf(stderr, "dns_server: sendto: %s\n", std::strerror(errno));
        ++answered;
    }
}
