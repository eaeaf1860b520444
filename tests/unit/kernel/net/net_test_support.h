// Test doubles for the network stack: a device that records transmitted frames and injects
// received ones, a clock the test moves, a predictable random source, and builders for the
// frames a peer on the link would send.
#pragma once

#include <deque>
#include <utility>

#include "kernel/kernel_test_support.h"

#include "net/address.h"
#include "net/byte_order.h"
#include "net/checksum.h"
#include "net/environment.h"
#include "net/ip_output.h"
#include "net/ipv6_header.h"
#include "net/net_device.h"
#include "net/stack.h"

namespace kernel_test {

using kernel::net::IpEndpoint;
using kernel::net::Ipv4Address;
using kernel::net::Ipv4Endpoint;
using kernel::net::MacAddress;
using Bytes = std::vector<uint8_t>;

inline constexpr uint64_t millisecond = 1'000'000;
inline constexpr uint64_t second = 1'000'000'000;

// One clock and one random sequence for every test: Environment holds plain function pointers.
struct FakeEnvironment {
    static uint64_t now;
    static uint32_t random_state;
    static uint64_t now_ns() { return now; }
    static void fill_random(void* data, size_t length);
    static kernel::net::Environment make() {
        now = 1000 * second;
        random_state = 12345;
        return {now_ns, fill_random};
    }
};

struct TransmittedFrame {
    Bytes bytes;
    bool checksum_requested = false;
    kernel::net::ChecksumRequest checksum{};
};

inline const MacAddress our_mac{{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}};

class FakeDevice final : public kernel::net::NetDevice {
public:
    MacAddress mac = our_mac;
    size_t link_mtu = 1500;
    bool checksum_offload = false;
    size_t segmentation_limit = 1500; // TSO when above link_mtu
    bool transmit_full = false;
    // False: IPv6 frames are counted in ipv6_frames_sent, not kept in `sent`, for the tests of
    // IPv4 and what runs over it, where duplicate address detection and router solicitations
    // are chatter (ipv6_test covers them).
    bool record_ipv6 = true;
    size_t ipv6_frames_sent = 0;
    std::vector<TransmittedFrame> sent;
    size_t flushes = 0;
    bool transmitting = false; // what is_transmitting() answers

    struct Incoming {
        Bytes frame;
        bool checksum_verified;
    };
    std::deque<Incoming> incoming;

    void inject(Bytes frame, bool checksum_verified = false) {
        incoming.push_back({std::move(frame), checksum_verified});
    }
    // The frames sent since the last call.
    std::vector<TransmittedFrame> take_sent() { return std::exchange(sent, {}); }

    MacAddress mac_address() const override { return mac; }
    size_t mtu() const override { return link_mtu; }
    bool offers_checksum_offload() const override { return checksum_offload; }
    size_t tcp_segmentation_limit(kernel::net::IpVersion) const override {
        return segmentation_limit;
    }
    bool transmit(const kernel::net::TransmitFragment* fragments, size_t count,
                  const kernel::net::ChecksumRequest* checksum) override;
    void flush() override { ++flushes; }
    bool is_transmitting() override { return transmitting; }
    size_t receive(kernel::net::FrameReceiver& receiver, size_t budget) override;
    bool has_received() const override { return !incoming.empty(); }
};

// Addresses the tests use: us, a neighbour, the gateway, a host beyond it.
inline const Ipv4Address our_address = Ipv4Address::from_octets(10, 0, 2, 15);
inline const Ipv4Address peer_address = Ipv4Address::from_octets(10, 0, 2, 2);
inline const Ipv4Address gateway_address = Ipv4Address::from_octets(10, 0, 2, 1);
inline const Ipv4Address remote_address = Ipv4Address::from_octets(192, 0, 2, 7);
inline const MacAddress peer_mac{{0x02, 0, 0, 0, 0, 0x02}};
inline const MacAddress gateway_mac{{0x02, 0, 0, 0, 0, 0x01}};

kernel::net::InterfaceConfig static_config();

// Frame builders, as a peer writes them.
Bytes ethernet_frame(MacAddress destination, MacAddress source, uint16_t type,
                     const Bytes& payload);
Bytes arp_packet(uint16_t operation, MacAddress sender_mac, Ipv4Address sender,
                 MacAddress target_mac, Ipv4Address target);
struct Ipv4Fields {
    Ipv4Address source = peer_address;
    Ipv4Address destination = our_address;
    uint8_t protocol = 17;
    uint16_t identification = 0x1234;
    uint16_t flags_and_offset = 0; // as on the wire: flags in the top 3 bits, offset / 8
    uint8_t time_to_live = 64;
};
Bytes ipv4_packet(const Ipv4Fields& fields, const Bytes& payload);
Bytes udp_datagram(Ipv4Address source, Ipv4Address destination, uint16_t source_port,
                   uint16_t destination_port, const Bytes& payload);
Bytes icmp_message(uint8_t type, uint8_t code, uint32_t rest, const Bytes& data);
// A whole frame from the peer to us carrying ICMP.
Bytes icmp_frame(const Bytes& message, Ipv4Address destination = our_address,
                 MacAddress mac_destination = our_mac);
// An ICMP error from the peer about a datagram we sent from `local_port` to `remote_port`;
// `rest`: the header's second word (the next-hop MTU of "fragmentation needed").
Bytes error_about(uint8_t protocol, uint16_t local_port, uint16_t remote_port, uint8_t type,
                  uint8_t code, uint32_t rest = 0);
// A whole frame from the peer to us carrying UDP.
Bytes udp_frame(uint16_t source_port, uint16_t destination_port, const Bytes& payload,
                Ipv4Address source = peer_address, MacAddress source_mac = peer_mac);

// Views of a transmitted frame.
struct ParsedFrame {
    MacAddress destination;
    MacAddress source;
    uint16_t type = 0;
    Bytes payload; // after the Ethernet header
    // IPv4 (when type is 0x0800)
    uint8_t protocol = 0;
    Ipv4Address ip_source;
    Ipv4Address ip_destination;
    uint16_t identification = 0;
    uint16_t flags_and_offset = 0;
    Bytes ip_payload;
};
ParsedFrame parse_frame(const Bytes& frame);
// Whether a UDP or ICMP payload's checksum is right (UDP with its pseudo-header).
bool transport_checksum_ok(const ParsedFrame& frame);

Bytes bytes_of(const char* text);
// `length` bytes of a fixed pattern that repeats only every 256 bytes' shift, so that data
// put back together wrong shows.
Bytes pattern(size_t length);

// IPv6 on the same link: our static address and the peer's.
inline constexpr kernel::net::Ipv6Address our_address6{
    {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15}};
inline constexpr kernel::net::Ipv6Address peer_address6{
    {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}};

// A transport checksum over the IPv6 pseudo header (RFC 8200 8.1).
uint16_t transport_checksum6(const kernel::net::Ipv6Address& source,
                             const kernel::net::Ipv6Address& destination, uint8_t protocol,
                             const Bytes& message);
Bytes ipv6_frame(const kernel::net::Ipv6Address& source,
                 const kernel::net::Ipv6Address& destination, uint8_t next_header,
                 const Bytes& payload, MacAddress mac_destination = our_mac,
                 uint8_t hop_limit = 64);

// The peer's answer to our neighbour solicitation: a solicited advertisement (override) of
// peer_address6 at peer_mac, to our_address6.
Bytes peer_neighbour_advertisement6();

// An IPv6 packet the stack sent: its header and what follows it.
struct Sent6 {
    kernel::net::Ipv6Header header;
    Bytes payload;
};
Sent6 parse6(const TransmittedFrame& frame);

// A stack over a FakeDevice, with the fake clock.
class NetStackTest : public ::testing::Test {
protected:
    NetStackTest() : stack(std::make_unique<kernel::net::NetworkStack>(device, environment)) {
        device.record_ipv6 = false;
    }

    void configure_static() {
        stack->configure(static_config());
        device.take_sent();
    }
    // The peer asks for our address, so both sides know each other; our reply is discarded.
    void meet_peer(Ipv4Address address = peer_address, MacAddress mac = peer_mac);
    void receive(Bytes frame, bool checksum_verified = false) {
        device.inject(std::move(frame), checksum_verified);
        stack->poll();
    }
    void advance(uint64_t nanoseconds) {
        FakeEnvironment::now += nanoseconds;
        stack->poll();
    }
    // Our static IPv6 address past duplicate address detection, and the peer known as a
    // neighbour (it solicited us), so that packets to it go at once; from here on the device
    // records IPv6 frames too.
    void configure_ipv6_peer();
    // Lets IPv6's start-up run its course (duplicate address detection, then three router
    // solicitations 4 s apart), for tests of timers that want no other deadline.
    void settle_ipv6() {
        advance(1 * second);
        advance(4 * second);
        advance(4 * second);
    }
    const kernel::net::StackStatistics& statistics() const { return stack->statistics(); }

    FakeDevice device;
    kernel::net::Environment environment = FakeEnvironment::make();
    std::unique_ptr<kernel::net::NetworkStack> stack;
};

} // namespace kernel_test
