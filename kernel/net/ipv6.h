// IPv6 (RFC 8200) on the Ethernet link: header and extension-header validation on input,
// the interface's addresses (link-local always, a static one from --ip6, SLAAC ones from router
// advertisements, each through duplicate address detection), on-link prefixes and the default
// router, and output through the neighbour cache. Neighbour discovery (RFC 4861, RFC 4862) is
// in neighbour_discovery.cpp; ICMPv6 in icmpv6.h. Fragments are reassembled (RFC 8200 4.5), and
// UDP and ICMPv6 packets longer than the path are fragmented at the source as Linux does (TCP
// sizes its segments to mtu_for() instead). Packets to ::1 or to one of our addresses loop back
// without the link, as Linux's lo carries them.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/environment.h"
#include "net/ip6_output.h"
#include "net/ipv6_header.h"
#include "net/link.h"
#include "net/neighbour_cache.h"
#include "net/packet_buffer.h"
#include "net/path_mtu_cache.h"
#include "net/reassembly.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

class Icmpv6Layer;

// A packet addressed to us, its extension headers walked.
struct Ipv6Datagram {
    Ipv6Header header;
    const uint8_t* packet; // from the fixed header, for ICMPv6 error quotes
    size_t packet_length;  // 40 + payload length (link padding left out)
    uint8_t protocol;      // the upper-layer header's
    const uint8_t* payload;
    size_t payload_length;
    bool checksum_verified; // the device checked the transport checksum
    bool multicast;         // sent to a group, so answered with few ICMPv6 errors
};

// The transports over IPv6 (UDP now): false for a protocol none of them speaks.
class Ipv6TransportInput {
public:
    virtual ~Ipv6TransportInput() = default;
    virtual bool receive_datagram6(const Ipv6Datagram& datagram) = 0;
};

class Ipv6Layer : public Ip6Output, public Ipv6Input {
public:
    static constexpr size_t max_addresses = 8;
    static constexpr size_t max_prefixes = 8;
    static constexpr uint8_t default_hop_limit = 64;
    // RFC 4861 10: RetransTimer (DAD waits this long after its one solicitation).
    static constexpr uint64_t retrans_timer_ns = 1'000'000'000;
    // RFC 4861 10: MAX_RTR_SOLICITATIONS, RTR_SOLICITATION_INTERVAL.
    static constexpr unsigned max_router_solicitations = 3;
    static constexpr uint64_t router_solicitation_interval_ns = 4'000'000'000;
    // Looped-back packets waiting for the next poll, at most (as IPv4's loopback).
    static constexpr size_t max_local_bytes = 256 * 1024;
    // What loopback carries: the largest payload without jumbograms (RFC 8200 3), as Linux's
    // lo with its MTU of 65536.
    static constexpr size_t loopback_mtu = 40 + 65535;

    Ipv6Layer(EthernetLink& link, const Environment& environment, StackStatistics& statistics);

    void set_icmp(Icmpv6Layer* icmp) { m_icmp = icmp; }
    void set_transport_input(Ipv6TransportInput* input) { m_transports = input; }
    // Starts over: the link-local address and the static one (if any) go through DAD, the
    // static gateway becomes the default router, and routers are solicited.
    void configure(const InterfaceConfig& config);

    // Preferred addresses only: tentative ones are not ours yet (RFC 4862 5.4).
    bool is_our_address(const Ipv6Address& address) const;
    // ::1 or one of our addresses: what loops back, and what a socket may bind.
    bool is_local(const Ipv6Address& address) const override;
    // The groups we listen to: all-nodes and each address's solicited-node group.
    bool is_our_group(const Ipv6Address& group) const;
    // Our addresses of every state, in order, for reports and tests: false past the last.
    bool address_at(size_t index, Ipv6Address& address, uint8_t& prefix_length,
                    bool& tentative) const;
    Ipv6Address default_router() const;

    // Sends a packet, in fragments when it is longer than the path carries (or than
    // `largest_fragment`, a socket's IPV6_MTU, when set); `true` once on the wire, `false` when
    // it waits for neighbour discovery. EMSGSIZE past the largest payload (65535). `hop_limit`
    // 0 means ours (64, or what routers advertise). Source any() means the one source_for()
    // picks; ND's DAD solicitations pass it with `unspecified_source`.
    ErrorOr<bool> send_datagram(const Ipv6Address& source, const Ipv6Address& destination,
                                uint8_t next_header, const TransmitFragment* fragments,
                                size_t count, const TransportChecksum* checksum,
                                uint8_t hop_limit = 0, bool unspecified_source = false,
                                size_t largest_fragment = 0);

    // Hands the packets looped back since the last poll to the upper layers.
    void deliver_local();
    bool has_local() const { return !m_local.is_empty(); }

    // ICMPv6 says the path to `destination` carries only `mtu` bytes.
    void record_packet_too_big(const Ipv6Address& destination, size_t mtu);

    // Neighbour discovery (neighbour_discovery.cpp): an ICMPv6 message of types 133-137 whose
    // checksum has been verified.
    void receive_neighbour_discovery(const Ipv6Datagram& datagram);

    // Ip6Output
    Ipv6Address source_for(const Ipv6Address& destination) const override;
    size_t mtu_for(const Ipv6Address& destination) const override;
    // IPV6_PMTUDISC_PROBE's measure too.
    size_t link_mtu() const override { return m_link_mtu; }
    bool offers_checksum_offload() const override;
    size_t tcp_segmentation_limit() const override;
    ErrorOr<void> send6(const Ipv6Address& source, const Ipv6Address& destination,
                        uint8_t next_header, const TransmitFragment* fragments, size_t count,
                        const TransportChecksum* checksum) override;

    // Ipv6Input
    void receive_ipv6(const uint8_t* packet, size_t length, bool checksum_verified) override;

    void run_timers(uint64_t now);
    uint64_t next_deadline_ns() const;
    // Packets waiting for their next hop's neighbour advertisement.
    bool has_pending_output() const { return m_neighbours.has_pending(); }

private:
    enum class AddressState : uint8_t { free, tentative, preferred };
    struct InterfaceAddress {
        AddressState state = AddressState::free;
        Ipv6Address address;
        uint8_t prefix_length = 0;
        bool autoconfigured = false; // SLAAC: expires with its prefix's valid lifetime
        uint64_t dad_deadline = 0;   // tentative: when it becomes preferred
        uint64_t valid_until = 0;    // autoconfigured only
    };
    struct OnLinkPrefix {
        Ipv6Address prefix;
        uint8_t length = 0; // 0: free
        uint64_t valid_until = 0;
    };

    // ipv6.cpp
    // `reassembled`: the packet was put together from fragments, and may hold no other.
    void deliver(const Ipv6Header& header, const uint8_t* packet, size_t length,
                 bool checksum_verified, bool reassembled = false);
    // A packet whose extension headers ended in a fragment header at `at`.
    void receive_fragment(const Ipv6Header& header, const uint8_t* packet, size_t length, size_t at,
                          bool multicast);
    ErrorOr<bool> send_fragmented(const Ipv6Header& header, const Ipv6Address& next_hop,
                                  bool multicast, const TransmitFragment* fragments, size_t count,
                                  const TransportChecksum* checksum, size_t mtu);
    bool is_on_link(const Ipv6Address& destination) const;
    PacketBuffer* gather(const Ipv6Header& header, const TransmitFragment* fragments, size_t count);
    ErrorOr<bool> send_local(const Ipv6Header& header, const TransmitFragment* fragments,
                             size_t count, const TransportChecksum* checksum);
    // To the link at once when the next hop is known (the checksum, and the cutting of a
    // segment, left to the device), else a copy held behind neighbour discovery; `true` once
    // handed to the device.
    ErrorOr<bool> transmit(const Ipv6Header& header, const Ipv6Address& next_hop, bool multicast,
                           const TransmitFragment* fragments, size_t count,
                           const TransportChecksum* checksum);
    static void solicit_again(void* context, Ipv6Address address);
    static void reassembly_expired(void* context, const FragmentKey& key, uint8_t next_header,
                                   const uint8_t* first, size_t length);

    // neighbour_discovery.cpp
    InterfaceAddress* find_address(const Ipv6Address& address);
    void add_address(const Ipv6Address& address, uint8_t prefix_length, bool autoconfigured,
                     uint64_t valid_until);
    void send_neighbour_solicitation(const Ipv6Address& target, bool for_dad);
    void send_neighbour_advertisement(const Ipv6Address& target, const Ipv6Address& destination,
                                      bool solicited);
    void send_router_solicitation();
    void receive_neighbour_solicitation(const Ipv6Datagram& datagram);
    void receive_neighbour_advertisement(const Ipv6Datagram& datagram);
    void receive_router_advertisement(const Ipv6Datagram& datagram);
    void receive_prefix_information(const uint8_t* option, uint64_t now);
    void learn_neighbour(const Ipv6Address& address, const MacAddress& mac, bool create);
    void duplicate_detected(InterfaceAddress& entry);
    void run_address_timers(uint64_t now);

    EthernetLink& m_link;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    Icmpv6Layer* m_icmp = nullptr;
    Ipv6TransportInput* m_transports = nullptr;
    PacketQueue m_local;
    InterfaceAddress m_addresses[max_addresses];
    OnLinkPrefix m_prefixes[max_prefixes];
    Ipv6Address m_static_router;
    Ipv6Address m_router; // from router advertisements
    uint64_t m_router_until = 0;
    size_t m_device_mtu;
    size_t m_link_mtu; // the device's, or less as routers advertise
    uint8_t m_hop_limit = default_hop_limit;
    bool m_started = false;
    unsigned m_router_solicitations = 0;
    uint64_t m_next_router_solicitation = 0; // 0: none due
    Ipv6NeighbourCache m_neighbours;
    PathMtuCache<Ipv6Address> m_path_mtu{ipv6_minimum_mtu};
    Reassembler m_reassembler;
};

} // namespace kernel::net
