#include "kernel/net/net_test_support.h"

#include "net/icmp.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;
namespace poll_event = kernel::poll_event;

class NetIcmp : public NetStackTest {
protected:
    void SetUp() override {
        configure_static();
        meet_peer();
    }
};

TEST_F(NetIcmp, AnswersPing) {
    Bytes data = bytes_of("abcdefghijklmnopqrstuvwxyz0123456789!");
    receive(icmp_frame(icmp_message(8, 0, 0x4d2a0007, data)));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.destination, peer_mac);
    EXPECT_EQ(frame.source, device.mac);
    EXPECT_EQ(frame.protocol, 1);
    EXPECT_EQ(frame.ip_source, our_address);
    EXPECT_EQ(frame.ip_destination, peer_address);
    // Exactly the bytes the peer expects: an echo reply with its identifier, sequence number
    // and data, checksummed.
    EXPECT_EQ(frame.ip_payload, icmp_message(0, 0, 0x4d2a0007, data));
    EXPECT_EQ(statistics().icmp_echo_replies, 1u);
}

TEST_F(NetIcmp, AnswersPingWithAnOddLength) {
    Bytes data = bytes_of("odd");
    receive(icmp_frame(icmp_message(8, 0, 0x00010002, data)));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).ip_payload, icmp_message(0, 0, 0x00010002, data));
}

TEST_F(NetIcmp, IgnoresBroadcastPing) {
    receive(icmp_frame(icmp_message(8, 0, 1, {}), Ipv4Address::from_octets(10, 0, 2, 255),
                       MacAddress::broadcast()));
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetIcmp, DropsBadChecksumAndTruncatedMessages) {
    Bytes message = icmp_message(8, 0, 1, bytes_of("data"));
    message[2] ^= 1;
    receive(icmp_frame(message));
    EXPECT_EQ(statistics().dropped_bad_checksum, 1u);
    receive(icmp_frame({8, 0, 0xf7, 0xff}));
    EXPECT_EQ(statistics().dropped_malformed, 1u);
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(statistics().icmp_echo_replies, 0u);
}

TEST_F(NetIcmp, ClosedUdpPortIsUnreachable) {
    Bytes udp = udp_datagram(peer_address, our_address, 3333, 4444, bytes_of("anyone?"));
    Bytes packet = ipv4_packet({}, udp);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, packet));
    EXPECT_EQ(statistics().udp_no_port, 1u);
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.protocol, 1);
    EXPECT_EQ(frame.ip_destination, peer_address);
    // Type 3 code 3, then the offending header and the first 8 bytes of its payload.
    Bytes quoted(packet.begin(), packet.begin() + 28);
    EXPECT_EQ(frame.ip_payload, icmp_message(3, 3, 0, quoted));
}

TEST_F(NetIcmp, NoUnreachableForBroadcasts) {
    Ipv4Fields fields;
    fields.destination = Ipv4Address::limited_broadcast();
    receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0800,
                           ipv4_packet(fields, udp_datagram(peer_address, fields.destination, 3333,
                                                            4444, bytes_of("x")))));
    EXPECT_EQ(statistics().udp_no_port, 1u);
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetIcmp, UnreachablesAreRateLimited) {
    for (unsigned i = 0; i < ErrorRateLimit::burst + 5; ++i)
        device.inject(udp_frame(3333, 4444, bytes_of("x")));
    stack->poll();
    EXPECT_EQ(device.take_sent().size(), ErrorRateLimit::burst);
    EXPECT_EQ(statistics().udp_no_port, ErrorRateLimit::burst + 5);
    advance(ErrorRateLimit::interval_ns);
    receive(udp_frame(3333, 4444, bytes_of("x")));
    EXPECT_EQ(device.take_sent().size(), 1u) << "one token earned back";
}

TEST_F(NetIcmp, PortUnreachableRefusesAConnectedUdpSocket) {
    UdpSocket* socket = stack->create_udp_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 5555}));
    ASSERT_OK(socket->connect({peer_address, 53}));
    EXPECT_EQ(socket->poll_events() & poll_event::error, 0u);
    receive(error_about(17, 5555, 53, 3, 3));
    EXPECT_NE(socket->poll_events() & poll_event::error, 0u);
    EXPECT_EQ(socket->take_error(), kernel::ECONNREFUSED);
    EXPECT_EQ(socket->take_error(), 0);

    receive(error_about(17, 5555, 53, 3, 3));
    char buffer[8];
    EXPECT_ERRNO(socket->receive_from(buffer, sizeof buffer, false), ECONNREFUSED);
    EXPECT_ERRNO(socket->receive_from(buffer, sizeof buffer, false), EAGAIN);

    receive(error_about(17, 5555, 54, 3, 3));
    EXPECT_EQ(socket->take_error(), 0) << "about another peer";
    socket->close();
}

TEST_F(NetIcmp, UnconnectedUdpSocketsHearNoErrors) {
    UdpSocket* socket = stack->create_udp_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 5555}));
    receive(error_about(17, 5555, 53, 3, 3));
    EXPECT_EQ(socket->take_error(), 0);
    socket->close();
}

TEST_F(NetIcmp, ErrorsQuotingSomeoneElseAreIgnored) {
    Ipv4Fields theirs;
    theirs.source = Ipv4Address::from_octets(10, 0, 2, 77);
    theirs.destination = peer_address;
    theirs.protocol = 6;
    Bytes quoted = ipv4_packet(theirs, Bytes(8, 0));
    receive(icmp_frame(icmp_message(3, 3, 0, quoted)));
    EXPECT_EQ(statistics().dropped_not_for_us, 1u);
    Bytes cut(quoted.begin(), quoted.begin() + 24);
    receive(icmp_frame(icmp_message(3, 3, 0, cut)));
    EXPECT_EQ(statistics().dropped_malformed, 1u);
}

} // namespace
} // namespace kernel_test
