// UDP over IPv6 and the dual stack of AF_INET6 sockets (RFC 8200 8, RFC 4291 2.5.5.2), as a
// peer on the link sees them.
#include "kernel/net/net_test_support.h"

#include "net/checksum.h"
#include "net/icmpv6.h"
#include "net/ipv6_address.h"
#include "net/ipv6_header.h"
#include "net/stack.h"

#include <optional>

namespace kernel_test {
namespace {

using namespace kernel::net;

// A UDP datagram from `source`; `checksum` overrides the right one (0 for none).
Bytes udp6(const Ipv6Address& source, uint16_t source_port, uint16_t destination_port,
           const Bytes& payload, std::optional<uint16_t> checksum = {}) {
    Bytes datagram(8);
    store_be16(datagram.data(), source_port);
    store_be16(datagram.data() + 2, destination_port);
    store_be16(datagram.data() + 4, static_cast<uint16_t>(8 + payload.size()));
    datagram.insert(datagram.end(), payload.begin(), payload.end());
    uint16_t sum = transport_checksum6(source, our_address6, 17, datagram);
    store_be16(datagram.data() + 6, checksum ? *checksum : (sum == 0 ? 0xffff : sum));
    return ipv6_frame(source, our_address6, 17, datagram);
}

class NetUdp6 : public NetStackTest {
protected:
    void SetUp() override { configure_ipv6_peer(); }
    void TearDown() override {
        for (UdpSocket* socket : sockets)
            socket->close();
    }
    UdpSocket* make_socket(bool ipv6, bool v6_only = false) {
        UdpSocket* socket = stack->create_udp_socket(ipv6);
        EXPECT_NE(socket, nullptr);
        socket->options().v6_only = v6_only;
        sockets.push_back(socket);
        return socket;
    }
    Bytes read(UdpSocket* socket, IpEndpoint* from) {
        Bytes buffer(65536);
        auto received = socket->receive_from(buffer.data(), buffer.size(), false);
        if (received.is_error())
            return {};
        *from = received.value().from;
        buffer.resize(received.value().copied);
        return buffer;
    }

    static constexpr IpEndpoint any6(uint16_t port) { return {Ipv6Address::any(), port}; }

    std::vector<UdpSocket*> sockets;
};

TEST_F(NetUdp6, EchoOverIpv6) {
    UdpSocket* server = make_socket(true);
    ASSERT_OK(server->bind(any6(7)));
    receive(udp6(peer_address6, 40000, 7, bytes_of("hello, six")));
    IpEndpoint from;
    Bytes data = read(server, &from);
    EXPECT_EQ(data, bytes_of("hello, six"));
    EXPECT_FALSE(from.address.is_v4());
    EXPECT_EQ(from, (IpEndpoint{peer_address6, 40000}));

    ASSERT_OK(server->send_to(data.data(), data.size(), &from));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    Sent6 reply = parse6(sent[0]);
    EXPECT_EQ(reply.header.source, our_address6);
    EXPECT_EQ(reply.header.destination, peer_address6);
    EXPECT_EQ(reply.header.next_header, 17);
    ASSERT_EQ(reply.payload.size(), 8u + data.size());
    EXPECT_EQ(load_be16(reply.payload.data()), 7);
    EXPECT_EQ(load_be16(reply.payload.data() + 2), 40000);
    EXPECT_NE(load_be16(reply.payload.data() + 6), 0) << "IPv6 requires a checksum";
    EXPECT_EQ(transport_checksum6(our_address6, peer_address6, 17, reply.payload), 0);
    EXPECT_EQ(Bytes(reply.payload.begin() + 8, reply.payload.end()), data);
}

TEST_F(NetUdp6, DualStackSocketSeesIpv4AsMappedAndAnswersOverIpv4) {
    UdpSocket* server = make_socket(true);
    ASSERT_OK(server->bind(any6(53)));
    receive(udp_frame(40000, 53, bytes_of("query")));
    IpEndpoint from;
    EXPECT_EQ(read(server, &from), bytes_of("query"));
    ASSERT_TRUE(from.address.is_v4());
    EXPECT_EQ(from, IpEndpoint(Ipv4Endpoint{peer_address, 40000}));
    EXPECT_EQ(from.address.v6.bytes[10], 0xff); // ::ffff:10.0.2.2
    EXPECT_EQ(from.address.v6.bytes[11], 0xff);

    ASSERT_OK(server->send_to("answer", 6, &from));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    ParsedFrame frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.type, 0x0800);
    EXPECT_EQ(frame.ip_source, our_address);
    EXPECT_EQ(frame.ip_destination, peer_address);
    EXPECT_TRUE(transport_checksum_ok(frame));
    // And IPv6 still reaches the same socket.
    receive(udp6(peer_address6, 40001, 53, bytes_of("six")));
    EXPECT_EQ(read(server, &from), bytes_of("six"));
    EXPECT_EQ(from, (IpEndpoint{peer_address6, 40001}));
}

TEST_F(NetUdp6, V6OnlyRefusesIpv4) {
    UdpSocket* server = make_socket(true, true);
    ASSERT_OK(server->bind(any6(53)));
    receive(udp_frame(40000, 53, bytes_of("query")));
    EXPECT_EQ(server->readable_bytes(), 0u);
    EXPECT_EQ(statistics().udp_no_port, 1u);
    IpEndpoint v4_peer(Ipv4Endpoint{peer_address, 53});
    EXPECT_ERRNO(server->send_to("x", 1, &v4_peer), ENETUNREACH);
    EXPECT_ERRNO(server->connect(v4_peer), ENETUNREACH);
    UdpSocket* mapped = make_socket(true, true);
    EXPECT_ERRNO(mapped->bind(IpEndpoint(Ipv4Endpoint{our_address, 54})), EINVAL);
}

TEST_F(NetUdp6, Ipv4SocketsKeepToIpv4) {
    UdpSocket* v4 = make_socket(false);
    EXPECT_ERRNO(v4->bind(any6(53)), EAFNOSUPPORT);
    ASSERT_OK(v4->bind({Ipv4Address::any(), 53}));
    IpEndpoint to{peer_address6, 53};
    EXPECT_ERRNO(v4->send_to("x", 1, &to), EAFNOSUPPORT);
    receive(udp6(peer_address6, 40000, 53, bytes_of("six")));
    EXPECT_EQ(v4->readable_bytes(), 0u);
    EXPECT_EQ(statistics().udp_no_port, 1u);
}

TEST_F(NetUdp6, BindConflictsAcrossFamiliesAsLinux) {
    // A dual-stack [::]:p and 0.0.0.0:p overlap, in either order.
    ASSERT_OK(make_socket(false)->bind({Ipv4Address::any(), 53}));
    EXPECT_ERRNO(make_socket(true)->bind(any6(53)), EADDRINUSE);
    ASSERT_OK(make_socket(true)->bind(any6(54)));
    EXPECT_ERRNO(make_socket(false)->bind({Ipv4Address::any(), 54}), EADDRINUSE);
    EXPECT_ERRNO(make_socket(false)->bind({our_address, 54}), EADDRINUSE);
    // IPV6_V6ONLY sockets share the port with IPv4 ones.
    ASSERT_OK(make_socket(true, true)->bind(any6(53)));
    ASSERT_OK(make_socket(true, true)->bind(any6(55)));
    ASSERT_OK(make_socket(false)->bind({Ipv4Address::any(), 55}));
    // Within IPv6, the wildcard covers every address.
    EXPECT_ERRNO(make_socket(true, true)->bind({our_address6, 55}), EADDRINUSE);
    EXPECT_ERRNO(make_socket(true)->bind({peer_address6, 56}), EADDRNOTAVAIL);
}

TEST_F(NetUdp6, ZeroAndBadChecksumsAreDropped) {
    UdpSocket* server = make_socket(true);
    ASSERT_OK(server->bind(any6(7)));
    uint64_t dropped = statistics().dropped_bad_checksum;
    receive(udp6(peer_address6, 40000, 7, bytes_of("no checksum"), 0));
    receive(udp6(peer_address6, 40000, 7, bytes_of("bad checksum"), 0x1234));
    EXPECT_EQ(server->readable_bytes(), 0u);
    EXPECT_EQ(statistics().dropped_bad_checksum, dropped + 2);
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetUdp6, HostileDatagramsAreDroppedAndCounted) {
    UdpSocket* server = make_socket(true);
    ASSERT_OK(server->bind(any6(7)));
    uint64_t dropped = statistics().dropped_malformed;
    // A mapped source would pass for an IPv4 peer.
    constexpr Ipv6Address mapped{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 2, 2}};
    receive(udp6(mapped, 40000, 7, bytes_of("spoof")));
    // A length beyond the packet, and one below the header's.
    Bytes long_claim = udp6(peer_address6, 40000, 7, bytes_of("x"));
    store_be16(long_claim.data() + 54 + 4, 100);
    receive(long_claim);
    Bytes short_claim = udp6(peer_address6, 40000, 7, bytes_of("x"));
    store_be16(short_claim.data() + 54 + 4, 7);
    receive(short_claim);
    EXPECT_EQ(server->readable_bytes(), 0u);
    EXPECT_EQ(statistics().dropped_malformed, dropped + 3);
}

TEST_F(NetUdp6, NobodyListeningIsPortUnreachable) {
    receive(udp6(peer_address6, 40000, 9, bytes_of("anyone?")));
    EXPECT_EQ(statistics().udp_no_port, 1u);
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    Sent6 error = parse6(sent[0]);
    EXPECT_EQ(error.header.destination, peer_address6);
    EXPECT_EQ(error.header.next_header, 58);
    EXPECT_EQ(error.payload[0], icmpv6_type::destination_unreachable);
    EXPECT_EQ(error.payload[1], icmpv6_unreachable::port);
}

TEST_F(NetUdp6, ConnectedSocketPrefersItsPeer) {
    UdpSocket* wildcard = make_socket(true);
    ASSERT_OK(wildcard->bind(any6(53)));
    UdpSocket* connected = make_socket(true);
    connected->options().reuse_address = true;
    wildcard->options().reuse_address = true;
    ASSERT_OK(connected->bind(any6(53)));
    ASSERT_OK(connected->connect({peer_address6, 40000}));
    EXPECT_EQ(value_of(connected->remote_endpoint()), (IpEndpoint{peer_address6, 40000}));
    receive(udp6(peer_address6, 40000, 53, bytes_of("to the connected one")));
    EXPECT_EQ(connected->readable_bytes(), 20u);
    EXPECT_EQ(wildcard->readable_bytes(), 0u);
}

TEST_F(NetUdp6, PortUnreachableRefusesAConnectedSocket) {
    UdpSocket* client = make_socket(true);
    ASSERT_OK(client->connect({peer_address6, 53}));
    ASSERT_OK(client->send_to("q", 1, nullptr));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    Bytes quoted(sent[0].bytes.begin() + 14, sent[0].bytes.end());
    Bytes error{icmpv6_type::destination_unreachable, icmpv6_unreachable::port, 0, 0, 0, 0, 0, 0};
    error.insert(error.end(), quoted.begin(), quoted.end());
    store_be16(error.data() + 2, transport_checksum6(peer_address6, our_address6, 58, error));
    receive(ipv6_frame(peer_address6, our_address6, 58, error));
    EXPECT_NE(client->poll_events() & kernel::poll_event::error, 0u);
    EXPECT_EQ(client->take_error(), kernel::ECONNREFUSED);
}

// ::1 and our own addresses loop back at the next poll, never through the device, carrying
// what lo carries; a closed port there answers port unreachable to the sender's socket.
TEST_F(NetUdp6, LoopbackNeverTouchesTheDevice) {
    UdpSocket* server = make_socket(true);
    ASSERT_OK(server->bind({Ipv6Address::loopback(), 7}));
    UdpSocket* client = make_socket(true);
    IpEndpoint to{Ipv6Address::loopback(), 7};
    Bytes big(20000, 0x42); // past the link's MTU
    ASSERT_OK(client->send_to(big.data(), big.size(), &to));
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now) << "delivery is due at once";
    stack->poll();
    IpEndpoint from;
    EXPECT_EQ(read(server, &from), big);
    EXPECT_EQ(from.address, IpAddress(Ipv6Address::loopback()));
    EXPECT_EQ(from.port, client->local_endpoint().port);

    UdpSocket* own = make_socket(true);
    ASSERT_OK(own->bind(any6(8)));
    IpEndpoint to_own{our_address6, 8};
    ASSERT_OK(client->send_to("own", 3, &to_own));
    stack->poll();
    EXPECT_EQ(read(own, &from), bytes_of("own"));
    EXPECT_EQ(from.address, IpAddress(our_address6)) << "sent from the address it went to";

    ASSERT_OK(client->connect({Ipv6Address::loopback(), 9}));
    ASSERT_OK(client->send_to("closed", 6, nullptr));
    stack->poll(); // the datagram finds no socket: port unreachable, looped back
    stack->poll(); // which reaches the client
    EXPECT_EQ(client->take_error(), kernel::ECONNREFUSED);
    EXPECT_TRUE(device.take_sent().empty());
}

} // namespace
} // namespace kernel_test
