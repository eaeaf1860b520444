// A socket's local address as the port-sharing rules see it, shared by TCP and UDP: which two
// bindings of one port could receive the same packet, across IPv4 and IPv6 as Linux has it.
#pragma once

#include "net/address.h"

namespace kernel::net {

struct Binding {
    IpAddress address; // an IPv4 one in its mapped form
    bool ipv6 = false; // an AF_INET6 socket's
    bool v6_only = false;

    // :: on an AF_INET6 socket without IPV6_V6ONLY, which takes IPv4 as well.
    constexpr bool is_dual_stack_wildcard() const {
        return ipv6 && !address.is_v4() && address.is_any() && !v6_only;
    }
    // Whether a packet of the family of `destination` reaches this binding as a wildcard.
    constexpr bool is_wildcard_for(const IpAddress& destination) const {
        if (!address.is_any())
            return false;
        return address.is_v4() == destination.is_v4() ||
               (destination.is_v4() && is_dual_stack_wildcard());
    }
    // Linux's inet_rcv_saddr_equal: within a family, a wildcard or the same address; across
    // the families, only when the IPv6 one is a dual-stack ::.
    constexpr bool overlaps(const Binding& other) const {
        if (address.is_v4() == other.address.is_v4())
            return address.is_any() || other.address.is_any() || address == other.address;
        return address.is_v4() ? other.is_dual_stack_wildcard() : is_dual_stack_wildcard();
    }
};

} // namespace kernel::net
