// IP_MTU and IPV6_MTU (ip(7), ipv6(7)): the largest packet the path to a peer is known to carry,
// as a connected socket reports it.
#pragma once

#include "net/address.h"
#include "net/ip6_output.h"
#include "net/ip_output.h"
#include "net/ipv4.h"

#include <stddef.h>

namespace kernel::net {

// What Linux reports for a peer on this host: its lo's MTU (loopback carries whole what the
// interface would cut), which IPv4's route caps at its largest datagram (IP_MAX_MTU).
inline constexpr size_t loopback_path_mtu = 65536;

// What the IP layer of the destination's family knows of the path ("fragmentation needed" and
// "packet too big" lower it from the interface's MTU), or loopback's for an address of this
// host.
size_t path_mtu_to(const IpOutput& ip, const Ip6Output& ip6, const IpAddress& destination);

} // namespace kernel::net
