// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
// big-endian words, an odd trailing byte padded with zero.
#pragma once

#include "net/net_device.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// Sums data that arrives in pieces of any length: a piece that ends on an odd byte leaves the
// next piece starting in the middle of a 16-bit word, which the accumulator keeps track of.
class ChecksumAccumulator {
public:
    explicit ChecksumAccumulator(uint32_t initial = 0) : m_sum(initial) {}

    void add(const void* data, size_t length);
    void add(const TransmitFragment* fragments, size_t count);
    // The folded 16-bit sum, not complemented.
    uint16_t folded() const;
    // The value a checksum field holds: the complemented folded sum.
    uint16_t checksum() const { return static_cast<uint16_t>(~folded()); }

private:
    uint64_t m_sum;
    bool m_odd = false; // the next byte is the low half of a word
};

// Folds a 32-bit (or wider) partial sum into 16 bits, not complemented.
uint16_t fold_checksum(uint64_t sum);

// The checksum of one buffer: what goes into a header's checksum field, or 0 when verifying a
// buffer that already contains a correct checksum.
uint16_t internet_checksum(const void* data, size_t length, uint32_t initial = 0);

// The IPv6 pseudo-header's sum (RFC 8200 8.1) for TCP, UDP and ICMPv6 (not folded, not
// complemented): both addresses, the upper-layer length, the next header.
uint32_t ipv6_pseudo_header_sum(const Ipv6Address& source, const Ipv6Address& destination,
                                uint8_t next_header, uint32_t length);

} // namespace kernel::net
