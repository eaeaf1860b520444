#include "every_address.h"

#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace examples {
namespace {

// Closes FD after a failed call, keeping that call's errno; -1.
int close_failed(int fd) {
    int error = errno;
    close(fd);
    errno = error;
    return -1;
}

template <typename Address> int bound(int fd, bool reuse_address, const Address& address) {
    int one = 1;
    if ((reuse_address && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) ||
        bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0)
        return close_failed(fd);
    return fd;
}

} // namespace

int bind_every_address(int type, std::uint16_t port, bool reuse_address) {
    int fd = socket(AF_INET6, type, 0);
    if (fd >= 0) {
        int v6_only = 0; // set, not left to the system's default (Linux's bindv6only sysctl)
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, sizeof v6_only) < 0)
            return close_failed(fd);
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_port = htons(port);
        address.sin6_addr = in6addr_any;
        return bound(fd, reuse_address, address);
    }
    if (errno != EAFNOSUPPORT)
        return -1;
    fd = socket(AF_INET, type, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    return bound(fd, reuse_address, address);
}

} // namespace examples
