// The IPv4 layer as the transports (TCP, UDP, ICMP) see it: where their datagrams go.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/net_device.h"
#include "net/path_mtu_cache.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

namespace ip_protocol {
inline constexpr uint8_t icmp = 1;
inline constexpr uint8_t tcp = 6;
inline constexpr uint8_t udp = 17;
} // namespace ip_protocol

// The smallest path MTU "fragmentation needed" may lower a destination to: Linux's min_pmtu
// (512 bytes of payload and two headers). A smaller report is taken as this and locks the path
// (PathMtu::locked): TCP and UDP then send there without DF, so that routers fragment rather
// than a forged ICMP shrink segments to a few bytes.
inline constexpr size_t ipv4_minimum_path_mtu = 552;

// The transport checksum the device should complete, relative to the IP payload's first byte.
// With `segment_size`, a TCP segment longer than the MTU that the device cuts into segments of
// that many payload bytes (TSO); the pseudo-header sum covers the whole segment's length.
struct TransportChecksum {
    uint16_t offset;           // of the checksum field within the transport header (TCP 16, UDP 6)
    uint16_t segment_size = 0; // TSO; 0 when the datagram goes as it is
};

class IpOutput {
public:
    virtual ~IpOutput() = default;

    // The interface's address (any() before DHCP has finished).
    virtual Ipv4Address local_address() const = 0;
    // 127/8 or our address: a destination this host loops back.
    virtual bool is_local(Ipv4Address address) const = 0;
    // The largest IP datagram the link carries (1500), for the MSS.
    virtual size_t mtu() const = 0;
    // The largest the path to `destination` carries: mtu(), or less once a "fragmentation
    // needed" a transport believed said so (RFC 1191), for ten minutes. Locked when the report
    // was below ipv4_minimum_path_mtu (the MTU is then that minimum): packets there go without
    // DF, for routers to fragment, as Linux's locked route MTU (ip_dont_fragment).
    virtual PathMtu path_to(Ipv4Address destination) const = 0;
    size_t mtu_for(Ipv4Address destination) const { return path_to(destination).mtu; }
    // A transport believed a "fragmentation needed" about `destination` (TCP after checking
    // the quoted sequence, RFC 5927; UDP when a socket sent from the quoted port, as Linux's
    // udp_err): later datagrams there fit `mtu`.
    virtual void learn_path_mtu(Ipv4Address destination, size_t mtu) = 0;
    // Whether send() may be given a TransportChecksum to offload.
    virtual bool offers_checksum_offload() const = 0;
    // The longest datagram a TCP segment may fill when its TransportChecksum asks the device to
    // cut it (65535 with TSO); mtu() when the device cannot.
    virtual size_t tcp_segmentation_limit() const = 0;

    // Sends one datagram whose payload is `fragments` in order (copied before returning).
    // With `checksum`, the transport stored only the pseudo-header sum and the device
    // completes it. EHOSTUNREACH/ENETUNREACH when there is no route; EAGAIN when the device
    // queue is full or the next hop's address is still being resolved (the datagram is then
    // queued behind ARP or dropped, as Linux does; TCP's timers recover). `dont_fragment` sets
    // DF, for path-MTU discovery (RFC 1191): EMSGSIZE when the datagram exceeds the path MTU
    // (mtu_for), which a longer datagram without DF is fragmented to.
    virtual ErrorOr<void> send(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                               const TransmitFragment* fragments, size_t count,
                               const TransportChecksum* checksum, bool dont_fragment) = 0;
};

// The pseudo-header sum for TCP and UDP checksums (not folded, not complemented).
uint32_t pseudo_header_sum(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                           uint16_t length);

} // namespace kernel::net
