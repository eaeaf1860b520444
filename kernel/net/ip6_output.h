// The IPv6 layer as the transports see it (TCP; UDP and ICMPv6 use Ipv6Layer itself): where
// their datagrams go. The IPv6 counterpart of ip_output.h.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/ip_output.h"
#include "net/net_device.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

class Ip6Output {
public:
    virtual ~Ip6Output() = default;

    // The source address for `destination` (RFC 6724, simplified: link-local for link-local
    // and link-scope multicast destinations, else the global address sharing the longest
    // prefix with it); any() when we have no usable address.
    virtual Ipv6Address source_for(const Ipv6Address& destination) const = 0;
    // The largest packet towards `destination`: the link's, or less as packet-too-big
    // messages have said; never below 1280.
    virtual size_t mtu_for(const Ipv6Address& destination) const = 0;
    // The link's MTU, whatever the paths beyond it carry.
    virtual size_t link_mtu() const = 0;
    // ::1 or one of our addresses: what a socket may bind.
    virtual bool is_local(const Ipv6Address& address) const = 0;
    virtual bool offers_checksum_offload() const = 0;
    // The longest packet a TCP segment may fill when its TransportChecksum asks the device to
    // cut it (65535 with TSO); the link's MTU when the device cannot.
    virtual size_t tcp_segmentation_limit() const = 0;

    // Sends one packet whose payload is `fragments` in order (copied before returning); no
    // fragmentation: EMSGSIZE when it exceeds mtu_for(destination), or, for a segment the
    // device is to cut, tcp_segmentation_limit(). With `checksum`, the transport stored only
    // the pseudo-header sum and the device completes it.
    // ENETUNREACH when there is no route; EAGAIN when the device queue is full or the next hop
    // is still being resolved (the packet then waits behind neighbour discovery).
    virtual ErrorOr<void> send6(const Ipv6Address& source, const Ipv6Address& destination,
                                uint8_t next_header, const TransmitFragment* fragments,
                                size_t count, const TransportChecksum* checksum) = 0;
};

} // namespace kernel::net
