// Where a connect or a send to the wildcard address goes: this host, a BSD'ism Linux keeps for
// both families and both transports.
#pragma once

#include "net/address.h"

namespace kernel::net {

// 0.0.0.0 is the socket's own address, or 127.0.0.1 when it has none
// (ip_route_output_key_hash_rcu); :: is ::1, or 127.0.0.1 for an AF_INET6 socket bound to an
// IPv4-mapped address (tcp_v6_connect, ip6_datagram_connect, udpv6_sendmsg). Any other
// destination is itself.
constexpr IpAddress wildcard_destination(const IpAddress& destination, const IpAddress& bound) {
    constexpr IpAddress loopback4 = Ipv4Address::from_octets(127, 0, 0, 1);
    if (!destination.is_any())
        return destination;
    if (destination.is_v4())
        return bound.is_v4() && !bound.is_any() ? bound : loopback4;
    return bound.is_v4() ? loopback4 : IpAddress(Ipv6Address::loopback());
}

} // namespace kernel::net
