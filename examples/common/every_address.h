// What the servers share: their listening socket.
#pragma once

#include <cstdint>

namespace examples {

// A socket of TYPE (SOCK_STREAM or SOCK_DGRAM, with SOCK_NONBLOCK or SOCK_CLOEXEC if wanted)
// bound to PORT on every address of both families: one AF_INET6 socket on [::] with
// IPV6_V6ONLY off, IPv4 peers appearing as ::ffff:a.b.c.d (RFC 4291 2.5.5.2); on IPv4 alone,
// 0.0.0.0, where the system has no IPv6 (socket answers EAFNOSUPPORT). With REUSE_ADDRESS it
// sets SO_REUSEADDR before binding. -1 with errno set when it cannot.
int bind_every_address(int type, std::uint16_t port, bool reuse_address);

} // namespace examples
