// IPv4 (RFC 791): header parsing and validation, routing (the subnet directly, everything
// else through the gateway, 127/8 and our own address back to ourselves), output with
// fragmentation above the MTU, and input with reassembly. Options are accepted on input and
// never sent.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/environment.h"
#include "net/ip_output.h"
#include "net/link.h"
#include "net/path_mtu_cache.h"
#include "net/reassembly.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

inline constexpr size_t ipv4_header_length = 20;
inline constexpr size_t ipv4_max_datagram = 65535;

struct Ipv4Header {
    size_t header_length = ipv4_header_length;
    size_t total_length = 0;
    uint16_t identification = 0;
    bool dont_fragment = false;
    bool more_fragments = false;
    size_t fragment_offset = 0; // in bytes
    uint8_t time_to_live = 64;
    uint8_t protocol = 0;
    Ipv4Address source;
    Ipv4Address destination;
};

enum class Ipv4HeaderCheck {
    valid,
    truncated,         // shorter than its header or its total length says
    bad_version,       // not 4
    bad_header_length, // IHL below 5
    bad_total_length,  // total length below the header length
    bad_checksum,      // header checksum
    bad_fragment,      // reserved flag, or a fragment past 64 KiB or not a multiple of 8
    bad_source,        // a broadcast or multicast source
};

// Validates the header of `packet` (which may carry link padding after total_length).
Ipv4HeaderCheck parse_ipv4_header(const uint8_t* packet, size_t length, Ipv4Header& header);
// Writes a 20-byte header (no options) with its checksum.
void write_ipv4_header(uint8_t* data, const Ipv4Header& header);

// A datagram addressed to us, whole (reassembled if it came in fragments).
struct Ipv4Datagram {
    Ipv4Header header;
    const uint8_t* raw_header; // as received, header.header_length bytes, for ICMP quotes
    const uint8_t* payload;
    size_t payload_length;
    bool checksum_verified; // the device checked the transport checksum
    bool link_broadcast;    // sent to a broadcast address, so never answered with ICMP errors
    bool local;             // sent by ourselves, to 127/8 or our own address
};

class IcmpLayer;

class TransportInput {
public:
    virtual ~TransportInput() = default;
    virtual void receive_datagram(const Ipv4Datagram& datagram) = 0;
};

class Ipv4Layer : public IpOutput, public Ipv4Input {
public:
    Ipv4Layer(EthernetLink& link, const Environment& environment, StackStatistics& statistics);

    void set_transport_input(TransportInput* input) { m_transport = input; }
    // Who tells senders of fragments given up (ICMP time exceeded).
    void set_icmp(IcmpLayer* icmp) { m_icmp = icmp; }
    void set_config(const InterfaceConfig& config);
    const InterfaceConfig& config() const { return m_config; }

    // Whether `address` is a broadcast address on our link (limited, or our subnet's).
    bool is_broadcast(Ipv4Address address) const;
    // The source address of what we send to `destination` (127/8 answers from itself).
    Ipv4Address source_for(Ipv4Address destination) const;

    // Sends a datagram; `true` once on the wire, `false` when it waits for ARP. Source any()
    // stands for our address. `path`: what path_to(destination) said, for a caller that asked
    // already (null: looked up here).
    ErrorOr<bool> send_datagram(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                                const TransmitFragment* fragments, size_t count,
                                const TransportChecksum* checksum, bool dont_fragment = false,
                                const PathMtu* path = nullptr);

    // IpOutput
    Ipv4Address local_address() const override { return m_config.address; }
    bool is_local(Ipv4Address address) const override;
    size_t mtu() const override { return m_mtu; }
    PathMtu path_to(Ipv4Address destination) const override;
    void learn_path_mtu(Ipv4Address destination, size_t mtu) override;
    bool offers_checksum_offload() const override;
    size_t tcp_segmentation_limit() const override;
    ErrorOr<void> send(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                       const TransmitFragment* fragments, size_t count,
                       const TransportChecksum* checksum, bool dont_fragment) override;

    // Ipv4Input
    void receive_ipv4(const uint8_t* packet, size_t length, bool checksum_verified) override;

    // Delivers the datagrams we sent ourselves (those queued before the call; what they
    // cause waits for the next one).
    void deliver_local();
    bool has_local() const { return !m_local.is_empty(); }

    void run_timers(uint64_t now) { m_reassembler.run_timers(now, reassembly_expired, this); }
    uint64_t next_deadline_ns() const { return m_reassembler.next_deadline_ns(); }
    const Reassembler& reassembler() const { return m_reassembler; }

private:
    // A bound on datagrams waiting for local delivery, like a socket buffer.
    static constexpr size_t max_local_bytes = 256 * 1024;

    bool accepts(const Ipv4Header& header, bool& link_broadcast) const;
    static void reassembly_expired(void* context, const FragmentKey& key, uint8_t next_header,
                                   const uint8_t* first, size_t length);
    void input(const uint8_t* packet, size_t length, bool checksum_verified, bool local);
    ErrorOr<bool> send_local(const Ipv4Header& header, const TransmitFragment* fragments,
                             size_t count, const TransportChecksum* checksum);
    // The header written and `fragments` handed to the link as one frame.
    ErrorOr<bool> send_prepared(const Ipv4Header& header, Ipv4Address next_hop, bool broadcast,
                                const TransmitFragment* fragments, size_t count,
                                const TransportChecksum* checksum, bool segmenting);
    // Cut to fit `mtu` (RFC 791 3.2).
    ErrorOr<bool> send_fragmented(const Ipv4Header& header, Ipv4Address next_hop, bool broadcast,
                                  const TransmitFragment* fragments, size_t count,
                                  const TransportChecksum* checksum, size_t mtu);

    EthernetLink& m_link;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    TransportInput* m_transport = nullptr;
    IcmpLayer* m_icmp = nullptr;
    InterfaceConfig m_config;
    size_t m_mtu;
    PathMtuCache<Ipv4Address> m_path_mtu{ipv4_minimum_path_mtu};
    uint16_t m_next_identification = 0;
    Reassembler m_reassembler;
    PacketQueue m_local;
};

} // namespace kernel::net
