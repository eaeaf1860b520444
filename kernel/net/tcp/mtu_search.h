// Packetization-layer path-MTU discovery (RFC 4821, with RFC 8899's search and black-hole
// detection) for the paths RFC 1191 fails on: those that drop packets too big for them without
// the ICMP "fragmentation needed" (or ICMPv6 "packet too big") that should say so. TCP finds
// such a black hole by its retransmission timeouts, falls back to a size every path is taken to
// carry, and then probes upward with single segments of new data, binary-searching the largest
// size that is acknowledged. Linux does the same with net.ipv4.tcp_mtu_probing=1 (probing only
// once a black hole is found), and its numbers are kept here. Sizes are IP packet sizes.
#pragma once

#include "net/ipv6_header.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class MtuSearch {
public:
    // RFC 8899 5.1.2: BASE_PLPMTU, the size a path is assumed to carry once a black hole is
    // found: 1200 bytes for IPv4, IPv6's minimum link MTU (1280) for IPv6.
    static constexpr size_t base_ipv4 = 1200;
    static constexpr size_t base_ipv6 = ipv6_minimum_mtu;
    // A search whose bounds are closer than this is done (Linux's tcp_probe_threshold).
    static constexpr size_t done_within = 8;
    // A finished search starts again this much later, in case the path grew (Linux's
    // tcp_probe_interval, RFC 8899 5.1.1's PMTU_RAISE_TIMER).
    static constexpr uint64_t search_again_ns = 600'000'000'000;

    // The retransmission timeouts in a row for the same data that tell a black hole (and
    // every as many after them, another).
    static constexpr uint32_t black_hole_timeouts = 2;

    // Packets of `current` bytes go unanswered (black_hole_timeouts in a row): returns the
    // size to send from now on, below `current`, or 0 to keep `current`. The first time it
    // is `base` (or `current`, when not above it) and the search up to that first `current`
    // (the size the interface and the peer's MSS allowed until then) begins; each time after,
    // half the last size, down to `floor`.
    size_t on_black_hole(size_t current, size_t base, size_t floor, uint64_t now);
    // "Fragmentation needed" or "packet too big" still counts: nothing above `mtu` is tried.
    void on_path_mtu(size_t mtu);

    bool is_searching() const { return m_active; }
    // The size of the next probe, or 0: no search, a probe in flight, or the search done
    // (until search_again_ns after it ended).
    size_t probe_size(uint64_t now);
    // A probe of `size` bytes carries the sequence numbers [start, end).
    void on_probe_sent(uint32_t start, uint32_t end, size_t size);
    bool probe_in_flight() const { return m_probe_size != 0; }
    uint32_t probe_start() const { return m_probe_start; }
    uint32_t probe_end() const { return m_probe_end; }
    // The peer acknowledged the probe: returns its size, which the connection may now use.
    size_t on_probe_acknowledged(uint64_t now);
    // The probe was deemed lost: nothing its size or larger is tried again in this search.
    void on_probe_lost(uint64_t now);

private:
    void finish_if_close(uint64_t now);

    bool m_active = false;
    size_t m_low = 0;  // the largest size known to work
    size_t m_high = 0; // the largest size that may
    size_t m_ceiling = 0;
    uint64_t m_done_at = 0; // when the search last ended; 0 while it goes on
    size_t m_probe_size = 0;
    uint32_t m_probe_start = 0;
    uint32_t m_probe_end = 0;
};

} // namespace kernel::net::tcp
