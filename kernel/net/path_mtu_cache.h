// Path MTUs learned from ICMP "fragmentation needed" (RFC 1191) and ICMPv6 "packet too big"
// (RFC 8201), per destination, in a small fixed table: a flood of such messages, true or
// forged, only ever rewrites these entries.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// What is known of the path to a destination: the largest packet it carries, and whether a
// report below the cache's minimum locked it there (IPv4: packets then go without DF, for
// routers to fragment, as ip_dont_fragment does for a locked route).
struct PathMtu {
    size_t mtu;
    bool locked = false;
};

template <typename Address> class PathMtuCache {
public:
    static constexpr size_t capacity = 16;
    // An estimate is dropped after ten minutes, so that a larger path is found again
    // (RFC 1191 6.3, RFC 8201 4; Linux's net.ipv4.route.mtu_expires and its IPv6 twin).
    static constexpr uint64_t lifetime_ns = 600'000'000'000;

    // `minimum`: what a smaller report is taken as (IPv6's 1280, RFC 8201 4; IPv4's 552,
    // Linux's min_pmtu).
    explicit PathMtuCache(size_t minimum) : m_minimum(minimum) {}

    // Records that packets to `destination` must be at most `mtu` bytes, clamped to the
    // minimum; a report below it also locks the estimate (Linux's locked route MTU). An
    // estimate is only ever lowered (or locked) by a message; when the table is full the entry
    // closest to expiry makes room. Returns whether it changed.
    bool record(const Address& destination, size_t mtu, uint64_t now);

    // The path MTU to `destination`, or `link_mtu` (unlocked) when none is known or it is
    // larger.
    PathMtu lookup(const Address& destination, size_t link_mtu, uint64_t now) const;

private:
    struct Entry {
        Address destination;
        size_t mtu = 0; // 0: free
        uint64_t expires = 0;
        bool locked = false;
    };
    size_t m_minimum;
    Entry m_entries[capacity];
};

extern template class PathMtuCache<Ipv4Address>;
extern template class PathMtuCache<Ipv6Address>;

} // namespace kernel::net
