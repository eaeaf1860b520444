// What IPv6 derives from addresses: prefixes, the multicast groups a host joins, how multicast
// maps onto Ethernet, and interface identifiers from the MAC address.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// Whether the first `length` bits of `a` and `b` agree.
bool same_prefix(const Ipv6Address& a, const Ipv6Address& b, uint8_t length);

// ff02::1:ffXX:XXXX, the group a node joins for each of its addresses (RFC 4291 2.7.1).
Ipv6Address solicited_node_group(const Ipv6Address& address);

// 33:33 and the group's last 32 bits (RFC 2464 7).
MacAddress multicast_mac(const Ipv6Address& group);

// The first 64 bits of `prefix` with the modified EUI-64 interface identifier of `mac`
// (RFC 4291 2.5.1 and appendix A; RFC 2464 4): the MAC split by ff:fe, its U/L bit flipped.
Ipv6Address eui64_address(const Ipv6Address& prefix, const MacAddress& mac);

// fe80::/64 with the EUI-64 identifier (RFC 4862 5.3).
Ipv6Address link_local_address(const MacAddress& mac);

// The longest text of an address, "ffff:...:ffff" and its terminator (INET6_ADDRSTRLEN).
inline constexpr size_t ipv6_text_size = 46;
// The address as text in RFC 5952's canonical form (lower-case hex without leading zeros, the
// longest run of two or more zero groups as "::", the first of equal runs); NUL-terminated.
void format_ipv6(const Ipv6Address& address, char (&text)[ipv6_text_size]);

} // namespace kernel::net
