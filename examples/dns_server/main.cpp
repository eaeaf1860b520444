// A UDP DNS server answering authoritatively for example.test from a zone compiled in.
//   dns_server [PORT]       (PORT defaults to 53)
// It listens on both families through one IPv6 socket bound to [::] with IPV6_V6ONLY off
// (IPv4 clients appear as ::ffff:a.b.c.d, RFC 4291 2.5.5.2), and on IPv4 alone where the
// system has no IPv6.
// Queries it cannot parse get FORMERR, other opcodes NOTIMP, names outside the zone REFUSED;
// messages shorter than a header, and responses, are ignored.
#include "every_address.h"
#include "responder.h"
#include "zone.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <sys/socket.h>

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
    int fd = examples::bind_every_address(SOCK_DGRAM | SOCK_CLOEXEC,
                                          static_cast<std::uint16_t>(port), false);
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
