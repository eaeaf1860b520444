// The internet checksum as TCP uses it: the stack's ChecksumAccumulator (net/checksum.h) started
// from the pseudo header of the segment's family (RFC 9293 3.1 for IPv4, RFC 8200 8.1 for IPv6).
#pragma once

#include "net/address.h"
#include "net/checksum.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

// An accumulator holding the pseudo header (addresses, protocol 6, TCP length), to which the
// segment is added; its folded() alone is what checksum offload expects in the field. Both
// addresses are of one family.
ChecksumAccumulator tcp_checksum_start(const IpAddress& source, const IpAddress& destination,
                                       uint16_t tcp_length);

// Whether a received segment's checksum holds.
bool tcp_checksum_valid(const IpAddress& source, const IpAddress& destination,
                        const uint8_t* segment, size_t length);

} // namespace kernel::net::tcp
