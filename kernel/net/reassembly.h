// IPv4 fragment reassembly (RFC 791) with bounded memory: a few datagrams at once, a byte cap
// across them, a 30 s lifetime, and any overlap dropping the whole datagram (overlaps are how
// fragment attacks hide data from filters, and no honest sender produces them).
#pragma once

#include "net/address.h"
#include "net/packet_buffer.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct FragmentKey {
    Ipv4Address source;
    Ipv4Address destination;
    uint8_t protocol = 0;
    uint16_t identification = 0;

    bool operator==(const FragmentKey&) const = default;
};

class Reassembler {
public:
    static constexpr size_t max_datagrams = 16;
    static constexpr size_t max_bytes = 256 * 1024;
    static constexpr uint64_t timeout_ns = 30'000'000'000;

    explicit Reassembler(StackStatistics& statistics) : m_statistics(statistics) {}
    Reassembler(const Reassembler&) = delete;
    Reassembler& operator=(const Reassembler&) = delete;
    ~Reassembler();

    // Takes one fragment's payload (`offset` in bytes into the datagram's payload). Returns the
    // whole payload once this fragment completes it (the caller destroys it), else nullptr.
    PacketBuffer* add(const FragmentKey& key, size_t offset, bool more_fragments,
                      const uint8_t* data, size_t length, uint64_t now);

    void run_timers(uint64_t now);
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
        PacketBuffer* fragments = nullptr; // sorted by offset
    };

    Datagram* find_or_start(const FragmentKey& key, uint64_t now);
    void discard(Datagram& datagram, bool count_dropped);
    PacketBuffer* assemble(Datagram& datagram);

    StackStatistics& m_statistics;
    Datagram m_datagrams[max_datagrams];
    size_t m_bytes = 0;
};

} // namespace kernel::net
