#include "net/proxy_sockets.h"

#include "support/error.h"

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ingot {

sockaddr_in socket_address(uint32_t address, uint16_t port) {
    sockaddr_in result{};
    result.sin_family = AF_INET;
    result.sin_addr.s_addr = htonl(address);
    result.sin_port = htons(port);
    return result;
}

uint16_t local_port(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    // sin_port and sin6_port share their place (RFC 3493 3.3 keeps sockaddr_in's layout).
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
}

namespace {

[[noreturn]] void fail_to_bind(const PortMapping& mapping, int error) {
    std::string endpoint = host_endpoint(mapping);
    if (error == EADDRINUSE)
        fail("cannot publish {}: the port is already in use on the host", endpoint);
    if (error == EACCES)
        fail("cannot publish {}: host ports below 1024 need CAP_NET_BIND_SERVICE (run as root, "
             "or pick a higher host port)",
             endpoint);
    if (error == EADDRNOTAVAIL)
        fail("cannot publish {}: {} is not an address of this host", endpoint,
             mapping.family == HostFamily::Ipv6 ? format_ipv6(mapping.host_address6)
                                                : format_ipv4(mapping.host_address));
    fail("cannot publish {}: {}", endpoint, system_error_text(error));
}

// A socket bound to `address`, listening for TCP; an empty OwnedFd and errno when that fails.
OwnedFd bind_to(const PortMapping& mapping, const sockaddr* address, socklen_t length) {
    bool tcp = mapping.protocol == TransportProtocol::Tcp;
    bool ipv6 = address->sa_family == AF_INET6;
    OwnedFd socket(::socket(address->sa_family,
                            (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket)
        return socket;
    int on = 1;
    // TCP: a restarted ingot may listen again while old connections linger in TIME_WAIT.
    // (Not for UDP, where it would let two sockets share the port unnoticed.)
    if (tcp)
        ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    else if (ipv6)
        // The local address each datagram came to, so that replies leave from it (RFC 3542 6).
        ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    else
        ::setsockopt(socket.get(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    // IPv6 only, whatever net.ipv6.bindv6only says: IPv4 has a socket of its own.
    if (ipv6)
        ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (::bind(socket.get(), address, length) < 0 ||
        (tcp && ::listen(socket.get(), SOMAXCONN) < 0)) {
        int error = errno;
        socket.reset();
        errno = error;
    }
    return socket;
}

OwnedFd bind_ipv4(const PortMapping& mapping, uint16_t port) {
    sockaddr_in address = socket_address(mapping.host_address, port);
    return bind_to(mapping, reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

OwnedFd bind_ipv6(const PortMapping& mapping, uint16_t port) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    std::memcpy(&address.sin6_addr, mapping.host_address6.data(), sizeof address.sin6_addr);
    return bind_to(mapping, reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

// No IPv6 on this host: the kernel has none (EAFNOSUPPORT), or no interface carries an IPv6
// address, not even lo's ::1 (EADDRNOTAVAIL for ::).
bool no_ipv6(int error) {
    return error == EAFNOSUPPORT || error == EADDRNOTAVAIL;
}

// How often a kernel-chosen IPv4 port is given up because its IPv6 twin is taken.
constexpr int ephemeral_port_attempts = 8;

} // namespace

std::vector<OwnedFd> bind_host_sockets(const PortMapping& mapping) {
    std::vector<OwnedFd> sockets;
    if (mapping.family == HostFamily::Ipv6) {
        sockets.push_back(bind_ipv6(mapping, mapping.host_port));
        if (!sockets.back())
            fail_to_bind(mapping, errno);
        return sockets;
    }
    for (int attempt = 1;; ++attempt) {
        OwnedFd ipv4 = bind_ipv4(mapping, mapping.host_port);
        if (!ipv4)
            fail_to_bind(mapping, errno);
        if (mapping.family == HostFamily::Ipv4) {
            sockets.push_back(std::move(ipv4));
            return sockets;
        }
        OwnedFd ipv6 = bind_ipv6(mapping, local_port(ipv4.get()));
        int error = errno;
        sockets.push_back(std::move(ipv4));
        if (ipv6)
            sockets.push_back(std::move(ipv6));
        else if (!no_ipv6(error)) {
            // The kernel picked the IPv4 port knowing nothing of IPv6: pick again.
            if (mapping.host_port == 0 && error == EADDRINUSE &&
                attempt < ephemeral_port_attempts) {
                sockets.clear();
                continue;
            }
            fail_to_bind(mapping, error);
        }
        return sockets;
    }
}

OwnedFd guest_socket(int type, const std::string& device) {
    OwnedFd socket(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket || device.empty())
        return socket;
    // Needs CAP_NET_RAW; without it routing alone picks the interface, which is right unless
    // two interfaces claim the guest's subnet.
    ::setsockopt(socket.get(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(),
                 static_cast<socklen_t>(device.size()));
    return socket;
}

int pending_error(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0)
        return errno;
    return error;
}

void raise_descriptor_limit() {
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace ingot
