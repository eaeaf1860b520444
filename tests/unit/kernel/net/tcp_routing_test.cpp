// How the stack hands TCP its segments: the real TCP layer answers what the stack routed to it
// (a SYN-ACK from a listener, a RST from a closed port), after reassembly, and never for
// broadcasts or before the interface has an address.
#include "kernel/net/net_test_support.h"

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

} // namespace
} // namespace kernel_test
