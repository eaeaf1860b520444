// How the stack hands TCP its segments: the real TCP layer answers what the stack routed to it
// (a SYN-ACK from a listener, a RST from a closed port), after reassembly, and never for
// broadcasts or before the interface has an address; over IPv6 too, where ICMPv6 packet too big
// reaches the connection it concerns and IPv4-mapped addresses on the wire are refused.
#include "kernel/net/net_test_support.h"

#include "net/neighbour_cache.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

constexpr uint8_t flag_syn = 0x02, flag_rst = 0x04, flag_ack = 0x10;

// A bare SYN from the peer with a correct checksum.
Bytes syn_segment(uint16_t source_port, uint16_t destination_port,
                  Ipv4Address destination = our_address) {
    Bytes segment(20, 0);
    store_be16(segment.data(), source_port);
    store_be16(segment.data() + 2, destination_port);
    store_be32(segment.data() + 4, 1000);
    segment[12] = 5 << 4;
    segment[13] = flag_syn;
    store_be16(segment.data() + 14, 65535);
    uint32_t pseudo = pseudo_header_sum(peer_address, destination, 6, segment.size());
    store_be16(segment.data() + 16, internet_checksum(segment.data(), segment.size(), pseudo));
    return segment;
}

Bytes tcp_frame(const Bytes& segment, Ipv4Address destination = our_address,
                MacAddress mac = our_mac) {
    Ipv4Fields fields;
    fields.protocol = 6;
    fields.destination = destination;
    return ethernet_frame(mac, peer_mac, 0x0800, ipv4_packet(fields, segment));
}

class NetTcpRouting : public NetStackTest {
protected:
    // The TCP flags of the one segment the stack sent since the last call.
    uint8_t only_reply_flags() {
        auto sent = device.take_sent();
        EXPECT_EQ(sent.size(), 1u);
        if (sent.size() != 1)
            return 0;
        ParsedFrame frame = parse_frame(sent[0].bytes);
        EXPECT_EQ(frame.protocol, 6);
        EXPECT_EQ(frame.ip_destination, peer_address);
        return frame.ip_payload.size() >= 20 ? frame.ip_payload[13] : 0;
    }
};

TEST_F(NetTcpRouting, SynToAClosedPortIsReset) {
    configure_static();
    meet_peer();
    receive(tcp_frame(syn_segment(40000, 80)));
    EXPECT_EQ(only_reply_flags(), flag_rst | flag_ack);
}

TEST_F(NetTcpRouting, SynToAListenerIsAnswered) {
    configure_static();
    meet_peer();
    TcpSocket* listener = stack->create_tcp_socket();
    ASSERT_NE(listener, nullptr);
    ASSERT_FALSE(listener->bind({Ipv4Address::any(), 80}).is_error());
    ASSERT_FALSE(listener->listen(8).is_error());
    receive(tcp_frame(syn_segment(40000, 80)));
    EXPECT_EQ(only_reply_flags(), flag_syn | flag_ack);
    listener->close();
}

TEST_F(NetTcpRouting, TcpNeverSeesBroadcastsOrSegmentsBeforeConfiguration) {
    receive(tcp_frame(syn_segment(40000, 80)));
    configure_static();
    meet_peer();
    receive(tcp_frame(syn_segment(40000, 80, Ipv4Address::limited_broadcast()),
                      Ipv4Address::limited_broadcast(), MacAddress::broadcast()));
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(statistics().dropped_not_for_us, 2u);
}

TEST_F(NetTcpRouting, FragmentedTcpIsReassembledFirst) {
    configure_static();
    meet_peer();
    Bytes segment = syn_segment(40000, 81);
    Bytes part1(segment.begin(), segment.begin() + 8), part2(segment.begin() + 8, segment.end());
    Ipv4Fields first, second;
    first.protocol = second.protocol = 6;
    first.flags_and_offset = 0x2000;
    second.flags_and_offset = 1;
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(first, part1)));
    EXPECT_TRUE(device.take_sent().empty());
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(second, part2)));
    EXPECT_EQ(only_reply_flags(), flag_rst | flag_ack);
    EXPECT_EQ(statistics().fragments_reassembled, 1u);
}

TEST_F(NetTcpRouting, TcpToLocalhostNeverReachesTheDevice) {
    configure_static();
    TcpSocket* listener = stack->create_tcp_socket();
    ASSERT_NE(listener, nullptr);
    ASSERT_FALSE(listener->bind({Ipv4Address::from_octets(127, 0, 0, 1), 7000}).is_error());
    ASSERT_FALSE(listener->listen(8).is_error());
    TcpSocket* client = stack->create_tcp_socket();
    ASSERT_NE(client, nullptr);
    auto started = client->connect({Ipv4Address::from_octets(127, 0, 0, 1), 7000});
    ASSERT_TRUE(started.is_error());
    EXPECT_EQ(started.error().code(), kernel::EINPROGRESS);
    for (int i = 0; i < 4; ++i)
        stack->poll();
    auto accepted = listener->accept();
    ASSERT_FALSE(accepted.is_error());
    ASSERT_FALSE(client->send("hi", 2).is_error());
    for (int i = 0; i < 4; ++i)
        stack->poll();
    char buffer[4] = {};
    auto received = accepted.value()->receive(buffer, sizeof buffer, false);
    ASSERT_FALSE(received.is_error());
    EXPECT_EQ(received.value(), 2u);
    EXPECT_EQ(std::string(buffer, 2), "hi");
    EXPECT_TRUE(device.take_sent().empty());
    accepted.value()->close();
    client->close();
    listener->close();
}

// A SYN-ACK from the peer answering our SYN, offering an MSS of 1460 and nothing else.
Bytes syn_ack_segment(const Bytes& our_syn) {
    Bytes segment(24, 0);
    store_be16(segment.data(), load_be16(our_syn.data() + 2));
    store_be16(segment.data() + 2, load_be16(our_syn.data()));
    store_be32(segment.data() + 4, 5000);
    store_be32(segment.data() + 8, load_be32(our_syn.data() + 4) + 1);
    segment[12] = 6 << 4;
    segment[13] = flag_syn | flag_ack;
    store_be16(segment.data() + 14, 65535);
    segment[20] = 2; // MSS
    segment[21] = 4;
    store_be16(segment.data() + 22, 1460);
    uint32_t pseudo = pseudo_header_sum(peer_address, our_address, 6, segment.size());
    store_be16(segment.data() + 16, internet_checksum(segment.data(), segment.size(), pseudo));
    return segment;
}

TEST_F(NetTcpRouting, ASegmentingDeviceGetsWholeWindowsWithDfAndOneIdentificationEach) {
    device.checksum_offload = true;
    device.segmentation_limit = 65535;
    configure_static();
    meet_peer();
    TcpSocket* socket = stack->create_tcp_socket();
    ASSERT_NE(socket, nullptr);
    EXPECT_EQ(socket->connect({peer_address, 5000}).error().code(), kernel::EINPROGRESS);
    stack->poll();
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    ParsedFrame syn = parse_frame(sent[0].bytes);
    EXPECT_TRUE(syn.flags_and_offset & 0x4000) << "DF, for path-MTU discovery";
    receive(tcp_frame(syn_ack_segment(syn.ip_payload)));
    device.take_sent(); // the handshake's ACK
    Bytes data(30000, 0x5a);
    ASSERT_EQ(socket->send(data.data(), data.size()).value(), data.size());
    stack->poll();
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    ParsedFrame segment = parse_frame(sent[0].bytes);
    EXPECT_EQ(segment.ip_payload.size(), 20u + 10 * 1460) << "the initial window at once";
    EXPECT_TRUE(segment.flags_and_offset & 0x4000);
    ASSERT_TRUE(sent[0].checksum_requested);
    EXPECT_EQ(sent[0].checksum.segment_size, 1460);
    EXPECT_EQ(sent[0].checksum.start, 14 + 20);
    // The device numbers the ten segments it cuts from the first's identification on, so the
    // next datagram (an echo reply here) takes the one after them.
    receive(icmp_frame(icmp_message(8, 0, 0x00010001, bytes_of("ping"))));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).identification,
              static_cast<uint16_t>(segment.identification + 10));
    socket->close();
}

// A segment from the peer over IPv6 with a correct checksum and, when `mss` is set, that MSS
// option; `source` may be forged.
Bytes segment6(uint16_t source_port, uint16_t destination_port, uint32_t sequence,
               uint32_t acknowledgment, uint8_t flags, uint16_t mss = 0,
               const Ipv6Address& source = peer_address6) {
    Bytes segment(mss ? 24 : 20, 0);
    store_be16(segment.data(), source_port);
    store_be16(segment.data() + 2, destination_port);
    store_be32(segment.data() + 4, sequence);
    store_be32(segment.data() + 8, acknowledgment);
    segment[12] = static_cast<uint8_t>((segment.size() / 4) << 4);
    segment[13] = flags;
    store_be16(segment.data() + 14, 65535);
    if (mss) {
        segment[20] = 2;
        segment[21] = 4;
        store_be16(segment.data() + 22, mss);
    }
    store_be16(segment.data() + 16, transport_checksum6(source, our_address6, 6, segment));
    return ipv6_frame(source, our_address6, 6, segment);
}

class NetTcp6Routing : public NetTcpRouting {
protected:
    void SetUp() override { configure_ipv6_peer(); }
    // The one TCP segment the stack sent since the last call, over IPv6 to the peer, its
    // checksum checked.
    Bytes only_segment6() {
        auto sent = device.take_sent();
        EXPECT_EQ(sent.size(), 1u);
        if (sent.size() != 1)
            return {};
        Sent6 packet = parse6(sent[0]);
        EXPECT_EQ(packet.header.next_header, 6);
        EXPECT_EQ(packet.header.source, our_address6);
        EXPECT_EQ(packet.header.destination, peer_address6);
        EXPECT_EQ(transport_checksum6(our_address6, peer_address6, 6, packet.payload), 0);
        return packet.payload;
    }
};

TEST_F(NetTcp6Routing, ADualStackListenerAnswersOverIpv6) {
    TcpSocket* listener = stack->create_tcp_socket(true);
    ASSERT_OK(listener->bind({Ipv6Address::any(), 80}));
    ASSERT_OK(listener->listen(8));
    receive(segment6(40000, 80, 1000, 0, flag_syn));
    Bytes syn_ack = only_segment6();
    ASSERT_GE(syn_ack.size(), 24u);
    EXPECT_EQ(syn_ack[13], flag_syn | flag_ack);
    // The MSS option (the first our SYN-ACKs carry): the link's 1500 less 40 and 20.
    EXPECT_EQ(syn_ack[20], 2);
    EXPECT_EQ(load_be16(syn_ack.data() + 22), 1440);
    // And IPv4 still reaches it.
    meet_peer();
    receive(tcp_frame(syn_segment(40001, 80)));
    EXPECT_EQ(only_reply_flags(), flag_syn | flag_ack);
    listener->close();
}

TEST_F(NetTcp6Routing, AClosedPortIsResetOverIpv6) {
    receive(segment6(40000, 80, 1000, 0, flag_syn));
    Bytes reset = only_segment6();
    ASSERT_GE(reset.size(), 20u);
    EXPECT_EQ(reset[13], flag_rst | flag_ack);
}

TEST_F(NetTcp6Routing, MappedAddressesOnTheWireAreDropped) {
    TcpSocket* listener = stack->create_tcp_socket(true);
    ASSERT_OK(listener->bind({Ipv6Address::any(), 80}));
    ASSERT_OK(listener->listen(8));
    Ipv6Address mapped = IpAddress(peer_address).v6;
    uint64_t before = statistics().dropped_not_for_us;
    receive(segment6(40000, 80, 1000, 0, flag_syn, 0, mapped));
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(statistics().dropped_not_for_us, before + 1);
    listener->close();
}

TEST_F(NetTcp6Routing, PacketTooBigResizesTheConnectionsSegments) {
    TcpSocket* client = stack->create_tcp_socket(true);
    EXPECT_ERRNO(client->connect({peer_address6, 80}), EINPROGRESS);
    Bytes syn = only_segment6();
    ASSERT_GE(syn.size(), 20u);
    uint16_t port = load_be16(syn.data());
    uint32_t ours = load_be32(syn.data() + 4) + 1;
    receive(segment6(80, port, 5000, ours, flag_syn | flag_ack, 1440));
    only_segment6(); // the handshake's ACK
    Bytes data(3000, 'x');
    ASSERT_EQ(kernel_test::value_of(client->send(data.data(), data.size())), data.size());
    auto sent = device.take_sent();
    ASSERT_FALSE(sent.empty());
    Sent6 first = parse6(sent[0]);
    ASSERT_EQ(first.payload.size(), 20u + 1440);
    // A router beyond says 1280 (RFC 4443 3.2), quoting our first segment's start.
    Bytes message{2, 0, 0, 0, 0, 0, 0x05, 0x00};
    message.insert(message.end(), sent[0].bytes.begin() + 14, sent[0].bytes.begin() + 14 + 40 + 48);
    Ipv6Address router = peer_address6;
    router.bytes[15] = 0x99;
    store_be16(message.data() + 2, transport_checksum6(router, our_address6, 58, message));
    receive(ipv6_frame(router, our_address6, 58, message));
    sent = device.take_sent();
    ASSERT_FALSE(sent.empty());
    Sent6 resent = parse6(sent[0]);
    EXPECT_EQ(load_be32(resent.payload.data() + 4), ours);
    EXPECT_EQ(resent.payload.size(), 20u + 1280 - 60);
    client->close();
}

// HOST_TSO6: the initial window in one segment for the device to cut at the MSS, straight from
// the socket buffer, its checksum left to the device.
TEST_F(NetTcp6Routing, ASegmentingDeviceGetsWholeWindowsOverIpv6) {
    device.checksum_offload = true;
    device.segmentation_limit = 65535;
    TcpSocket* client = stack->create_tcp_socket(true);
    EXPECT_ERRNO(client->connect({peer_address6, 80}), EINPROGRESS);
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    Sent6 syn = parse6(sent[0]);
    uint16_t port = load_be16(syn.payload.data());
    uint32_t ours = load_be32(syn.payload.data() + 4) + 1;
    receive(segment6(80, port, 5000, ours, flag_syn | flag_ack, 1440));
    device.take_sent(); // the handshake's ACK
    Bytes data(30000, 'x');
    ASSERT_EQ(kernel_test::value_of(client->send(data.data(), data.size())), data.size());
    stack->poll();
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    Sent6 segment = parse6(sent[0]);
    EXPECT_EQ(segment.header.payload_length, 20u + 10 * 1440) << "the initial window at once";
    ASSERT_TRUE(sent[0].checksum_requested);
    EXPECT_EQ(sent[0].checksum.segment_size, 1440);
    EXPECT_EQ(sent[0].checksum.start, 14 + 40);
    EXPECT_EQ(sent[0].checksum.offset, 16);
    EXPECT_EQ(sent[0].checksum.version, IpVersion::v6);
    client->close();
}

// A segment to cut that has to wait for neighbour discovery waits with its offload, and the
// device still cuts it once the neighbour answers.
TEST_F(NetTcp6Routing, ASegmentWaitingForItsNeighbourKeepsItsOffload) {
    device.checksum_offload = true;
    device.segmentation_limit = 65535;
    TcpSocket* client = stack->create_tcp_socket(true);
    EXPECT_ERRNO(client->connect({peer_address6, 80}), EINPROGRESS);
    Sent6 syn = parse6(device.take_sent().at(0));
    uint16_t port = load_be16(syn.payload.data());
    uint32_t ours = load_be32(syn.payload.data() + 4) + 1;
    receive(segment6(80, port, 5000, ours, flag_syn | flag_ack, 1440));
    device.take_sent();
    // The neighbour goes silent while the connection idles: its entry is asked about after its
    // lifetime, and forgotten when no answer comes.
    advance(Ipv6NeighbourCache::entry_lifetime_ns);
    for (unsigned i = 0; i < Ipv6NeighbourCache::max_requests; ++i)
        advance(Ipv6NeighbourCache::retry_interval_ns);
    device.take_sent();
    Bytes data(30000, 'x');
    ASSERT_EQ(kernel_test::value_of(client->send(data.data(), data.size())), data.size());
    stack->poll();
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse6(sent[0]).payload[0], 135) << "a neighbour solicitation, the segment held";
    receive(peer_neighbour_advertisement6());
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse6(sent[0]).header.payload_length, 20u + 10 * 1440);
    ASSERT_TRUE(sent[0].checksum_requested);
    EXPECT_EQ(sent[0].checksum.segment_size, 1440);
    EXPECT_EQ(sent[0].checksum.start, 14 + 40);
    EXPECT_EQ(sent[0].checksum.version, IpVersion::v6);
    client->close();
}

} // namespace
} // namespace kernel_test
