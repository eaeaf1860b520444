#include "net/proxy_sockets.h"

#include "support/error.h"

#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>

namespace ingot {

sockaddr_in socket_address(uint32_t address, uint16_t port) {
    sockaddr_in result{};
    result.sin_family = AF_INET;
    result.sin_addr.s_addr = htonl(address);
    result.sin_port = htons(port);
    return result;
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
             format_ipv4(mapping.host_address));
    fail("cannot publish {}: {}", endpoint, system_error_text(error));
}

} // namespace

OwnedFd bind_host_socket(const PortMapping& mapping) {
    bool tcp = mapping.protocol == TransportProtocol::Tcp;
    OwnedFd socket(
        ::socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket)
        fail("cannot publish {}: {}", host_endpoint(mapping), system_error_text(errno));
    int on = 1;
    // TCP: a restarted ingot may listen again while old connections linger in TIME_WAIT.
    // (Not for UDP, where it would let two sockets share the port unnoticed.)
    if (tcp)
        ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    else
        // The local address each datagram came to, so that replies leave from it.
        ::setsockopt(socket.get(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    sockaddr_in address = socket_address(mapping.host_address, mapping.host_port);
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        fail_to_bind(mapping, errno);
    if (tcp && ::listen(socket.get(), SOMAXCONN) < 0)
        fail_to_bind(mapping, errno);
    return socket;
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
