// Fragment reassembly for IPv4 (RFC 791) and IPv6 (RFC 8200 4.5) with bounded memory: a few
// datagrams at once, a byte cap across them, a lifetime (30 s for IPv4 as Linux's
// ipfrag_time, 60 s for IPv6 as RFC 8200 asks), and any overlap dropping the whole datagram
// (overlaps are how fragment attacks hide data from filters, and no honest sender produces
// them; RFC 5722 makes it the rule for IPv6).
#pragma once

#include "net/address.h"
#include "net/packet_buffer.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// What tells datagrams apart: IPv4 adds the protocol (RFC 791); IPv6 leaves it 0, since its
// fragments' next headers may differ and only the first one's counts (RFC 8200 4.5).
struct FragmentKey {
    IpAddress source;
    IpAddress destination;
    uint8_t protocol = 0;
    uint32_t identification = 0;

    bool operator==(const FragmentKey&) const = default;
};

// One fragment's payload: `offset` in bytes into the datagram's payload.
struct Fragment {
    size_t offset = 0;
    bool more_fragments = false;
    const uint8_t* data = nullptr;
    size_t length = 0;
    uint8_t next_header = 0; // IPv6: its fragment header's
};

// A completed datagram: `headroom` bytes for the caller, then the payload. The caller destroys
// `packet`.
struct Reassembled {
    PacketBuffer* packet = nullptr;
    uint8_t next_header = 0; // the first fragment's
};

class Reassembler {
public:
    static constexpr size_t max_datagrams = 16;
    static constexpr size_t max_bytes = 256 * 1024;
    static constexpr uint64_t ipv4_timeout_ns = 30'000'000'000;
    static constexpr uint64_t ipv6_timeout_ns = 60'000'000'000;

    // The completed datagram's payload starts `headroom` bytes into its buffer, where the
    // caller puts a header without copying the payload again.
    Reassembler(StackStatistics& statistics, uint64_t timeout_ns, size_t headroom = 0)
        : m_statistics(statistics), m_timeout_ns(timeout_ns), m_headroom(headroom) {}
    Reassembler(const Reassembler&) = delete;
    Reassembler& operator=(const Reassembler&) = delete;
    ~Reassembler();

    // Takes one fragment. Returns the whole datagram once this fragment completes it, else a
    // null packet.
    Reassembled add(const FragmentKey& key, const Fragment& fragment, uint64_t now);

    // Gives up datagrams older than the lifetime. For each whose first fragment had arrived,
    // `expired` hears of it (unless null), with that fragment's next header and payload: the
    // sender is owed an ICMP time exceeded (RFC 8200 4.5, RFC 1122 3.3.2).
    using ExpiryHandler = void (*)(void* context, const FragmentKey& key, uint8_t next_header,
                                   const uint8_t* first, size_t length);
    void run_timers(uint64_t now, ExpiryHandler expired = nullptr, void* context = nullptr);
    uint64_t next_deadline_ns() const;

    size_t datagrams_in_progress() const;
    size_t bytes_held() const { return m_bytes; }

private:
    struct Datagram {
        bool in_use = false;
        FragmentKey key;
        uint64_t deadline = 0;
        size_t total_length = 0; // known once the last fragment arrived
        bool has_last = false;
        size_t received = 0;
        uint8_t next_header = 0;           // the first fragment's, once it arrived
        PacketBuffer* fragments = nullptr; // sorted by offset
    };

    Datagram* find_or_start(const FragmentKey& key, uint64_t now);
    void discard(Datagram& datagram, bool count_dropped);
    Reassembled assemble(Datagram& datagram);

    StackStatistics& m_statistics;
    uint64_t m_timeout_ns;
    size_t m_headroom;
    Datagram m_datagrams[max_datagrams];
    size_t m_bytes = 0;
};

} // namespace kernel::net
