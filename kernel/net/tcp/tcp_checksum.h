// The internet checksum as TCP uses it: a ones'-complement sum over the pseudo header and the
// segment, which may arrive in pieces of any length (a piece may end on an odd byte).
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class ChecksumAccumulator {
public:
    void add(const void* data, size_t length);
    void add_word(uint16_t word) { m_sum += word; }
    // The folded sum, not complemented (what checksum offload expects in the field).
    uint16_t folded() const;
    // The value to store in a header, or the result of verifying one (0 when valid).
    uint16_t checksum() const { return static_cast<uint16_t>(~folded()); }

private:
    uint64_t m_sum = 0;
    bool m_odd = false; // the pieces so far had an odd total length
};

// Adds the IPv4 pseudo header (addresses, protocol 6, TCP length) to `sum`.
void add_tcp_pseudo_header(ChecksumAccumulator& sum, Ipv4Address source, Ipv4Address destination,
                           uint16_t tcp_length);

// Whether a received segment's checksum holds.
bool tcp_checksum_valid(Ipv4Address source, Ipv4Address destination, const uint8_t* segment,
                        size_t length);

} // namespace kernel::net::tcp
