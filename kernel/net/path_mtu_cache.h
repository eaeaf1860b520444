// Path MTUs learned from ICMPv6 packet-too-big messages (RFC 8201), per destination, in a small
// fixed table: a flood of such messages, true or forged, only ever rewrites these entries.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

class PathMtuCache {
public:
    static constexpr size_t capacity = 16;
    // An estimate is dropped after ten minutes, so that a larger path is found again
    // (RFC 8201 4; Linux's net.ipv6.route.mtu_expires).
    static constexpr uint64_t lifetime_ns = 600'000'000'000;

    // Records that packets to `destination` must be at most `mtu` bytes, clamped to the IPv6
    // minimum of 1280 (RFC 8201 4). An estimate is only ever lowered by a message; when the
    // table is full the entry closest to expiry makes room. Returns whether it changed.
    bool record(const Ipv6Address& destination, size_t mtu, uint64_t now);

    // The path MTU to `destination`, or `link_mtu` when none is known or it is larger.
    size_t lookup(const Ipv6Address& destination, size_t link_mtu, uint64_t now) const;

private:
    struct Entry {
        Ipv6Address destination;
        size_t mtu = 0; // 0: free
        uint64_t expires = 0;
    };
    Entry m_entries[capacity];
};

} // namespace kernel::net
