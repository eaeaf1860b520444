// The internet checksum as TCP uses it: the stack's ChecksumAccumulator (net/checksum.h) started
// from the IPv4 pseudo header.
#pragma once

#include "net/address.h"
#include "net/checksum.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

// An accumulator holding the pseudo header (addresses, protocol 6, TCP length), to which the
// segment is added; its folded() alone is what checksum offload expects in the field.
ChecksumAccumulator tcp_checksum_start(Ipv4Address source, Ipv4Address destination,
                                       uint16_t tcp_length);

// Whether a received segment's checksum holds.
bool tcp_checksum_valid(Ipv4Address source, Ipv4Address destination, const uint8_t* segment,
                        size_t length);

} // namespace kernel::net::tcp
