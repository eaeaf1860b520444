// The network stack on one interface: Ethernet, ARP, IPv4, ICMP, IPv6, ICMPv6, UDP (over both),
// TCP and the DHCP client,
// driven by poll() from the scheduler (no interrupt context ever runs stack code).
#pragma once

#include "net/address.h"
#include "net/environment.h"
#include "net/net_device.h"
#include "net/socket.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct StackStatistics {
    uint64_t frames_received = 0;
    uint64_t frames_sent = 0;
    uint64_t dropped_malformed = 0;    // truncated, bad lengths, bad header fields
    uint64_t dropped_bad_checksum = 0; // IP, ICMP, UDP (TCP counts its own)
    uint64_t dropped_not_for_us = 0;
    uint64_t dropped_no_memory = 0;
    uint64_t fragments_reassembled = 0;
    uint64_t fragments_dropped = 0; // overlapping, timed out, too many, malformed (both families)
    uint64_t icmp_echo_replies = 0;
    uint64_t udp_no_port = 0;
    uint64_t udp_receive_buffer_full = 0; // datagrams dropped: the socket's queue was full
    uint64_t arp_unresolved = 0;          // packets dropped: the next hop never answered
    uint64_t ipv6_parameter_problems = 0; // packets refused for a header we cannot process
    uint64_t ipv6_unresolved = 0;         // packets dropped: neighbour discovery found no one
    uint64_t icmpv6_echo_replies = 0;
    uint64_t icmpv6_packet_too_big = 0; // messages received (the path-MTU cache is bounded)
    uint64_t icmpv6_rate_limited = 0;   // errors we did not send
    uint64_t nd_invalid = 0;            // neighbour discovery messages failing RFC 4861 checks
    uint64_t dad_conflicts = 0;         // addresses given up: another node has them
};

class NetworkStack {
public:
    NetworkStack(NetDevice& device, const Environment& environment);
    ~NetworkStack();
    NetworkStack(const NetworkStack&) = delete;
    NetworkStack& operator=(const NetworkStack&) = delete;

    // A static address, or DHCP when config.use_dhcp (then is_configured() turns true once a
    // lease is bound; `config` supplies the fallback the caller applies on timeout).
    void configure(const InterfaceConfig& config);
    bool is_configured() const;
    const InterfaceConfig& config() const;

    // Takes received frames, runs due timers (ARP, reassembly, DHCP, TCP) and flushes what
    // was queued for transmission. Cheap when nothing happened.
    void poll();
    // The earliest time poll() has work even without a frame arriving; 0 when none.
    uint64_t next_deadline_ns() const;
    // Whether anything sent has not reached its peer yet (see finish_output): TCP data or a
    // FIN not acknowledged, packets waiting for a neighbour's address, frames still with the
    // device.
    bool has_undelivered_output() const;
    // Whether the device still holds frames: it says so only when asked, without an event.
    bool device_is_transmitting() const;

    // AF_INET6 with `ipv6`; nullptr when out of memory.
    TcpSocket* create_tcp_socket(bool ipv6 = false);
    UdpSocket* create_udp_socket(bool ipv6 = false);

    const StackStatistics& statistics() const;

private:
    struct State;
    State* m_state;
};

} // namespace kernel::net
