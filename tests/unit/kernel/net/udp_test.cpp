#include "kernel/net/net_test_support.h"

#include "net/path_mtu_cache.h"
#include "net/stack.h"
#include "net/udp/udp_layer.h"

#include <algorithm>

namespace kernel_test {
namespace {

using namespace kernel::net;
namespace poll_event = kernel::poll_event;

// Records every readiness notification a socket gives.
struct ReadinessRecorder {
    explicit ReadinessRecorder(kernel::Readiness& readiness) {
        observer.notify = [](kernel::ReadinessObserver& self, uint32_t events) {
            static_cast<ReadinessRecorder*>(self.context)->events.push_back(events);
        };
        observer.context = this;
        readiness.subscribe(observer);
    }
    ~ReadinessRecorder() { kernel::Readiness::unsubscribe(observer); }

    kernel::ReadinessObserver observer;
    std::vector<uint32_t> events;
};

class NetUdp : public NetStackTest {
protected:
    void SetUp() override {
        configure_static();
        meet_peer();
    }
    void TearDown() override {
        for (UdpSocket* socket : sockets)
            socket->close();
    }
    UdpSocket* make_socket(bool reuse_address = false, bool reuse_port = false) {
        UdpSocket* socket = stack->create_udp_socket();
        EXPECT_NE(socket, nullptr);
        socket->options().reuse_address = reuse_address;
        socket->options().reuse_port = reuse_port;
        sockets.push_back(socket);
        return socket;
    }
    Bytes read(UdpSocket* socket, IpEndpoint* from = nullptr) {
        Bytes buffer(70000);
        auto received = socket->receive_from(buffer.data(), buffer.size(), false);
        if (received.is_error())
            return {};
        if (from)
            *from = received.value().from;
        buffer.resize(received.value().copied);
        return buffer;
    }

    std::vector<UdpSocket*> sockets;
};

TEST_F(NetUdp, EchoThroughASocket) {
    UdpSocket* server = make_socket();
    ASSERT_OK(server->bind({Ipv4Address::any(), 7}));
    EXPECT_EQ(server->poll_events() & poll_event::in, 0u);
    receive(udp_frame(40000, 7, bytes_of("hello, echo")));
    EXPECT_NE(server->poll_events() & poll_event::in, 0u);
    EXPECT_EQ(server->readable_bytes(), 11u);

    IpEndpoint from;
    Bytes data = read(server, &from);
    EXPECT_EQ(data, bytes_of("hello, echo"));
    EXPECT_EQ(from, (Ipv4Endpoint{peer_address, 40000}));
    EXPECT_EQ(server->poll_events() & poll_event::in, 0u);

    auto sent_length = server->send_to(data.data(), data.size(), &from);
    ASSERT_FALSE(sent_length.is_error());
    EXPECT_EQ(sent_length.value(), data.size());
    stack->poll();
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.destination, peer_mac);
    EXPECT_EQ(frame.ip_source, our_address);
    EXPECT_EQ(frame.ip_destination, peer_address);
    EXPECT_EQ(frame.ip_payload, udp_datagram(our_address, peer_address, 7, 40000, data));
    EXPECT_TRUE(transport_checksum_ok(frame));
    EXPECT_GE(device.flushes, 1u);
}

TEST_F(NetUdp, OffloadedChecksumLeavesThePseudoHeaderSum) {
    device.checksum_offload = true;
    UdpSocket* socket = make_socket();
    IpEndpoint to{peer_address, 9};
    ASSERT_FALSE(socket->send_to("abc", 3, &to).is_error());
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_TRUE(sent[0].checksum_requested);
    EXPECT_EQ(sent[0].checksum.start, 14 + 20);
    EXPECT_EQ(sent[0].checksum.offset, 6);
    // Finish it as the device would, and the datagram is right.
    Bytes bytes = sent[0].bytes;
    size_t start = sent[0].checksum.start;
    store_be16(bytes.data() + start + 6,
               internet_checksum(bytes.data() + start, bytes.size() - start));
    EXPECT_TRUE(transport_checksum_ok(parse_frame(bytes)));
}

TEST_F(NetUdp, VerifiesChecksumsUnlessTheDeviceDid) {
    UdpSocket* socket = make_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 7}));
    Bytes frame = udp_frame(1, 7, bytes_of("data"));
    frame.back() ^= 0xff;
    receive(frame);
    EXPECT_EQ(statistics().dropped_bad_checksum, 1u);
    EXPECT_EQ(socket->readable_bytes(), 0u);
    receive(frame, true);
    EXPECT_EQ(socket->readable_bytes(), 4u);

    // A zero checksum means none was computed.
    Bytes unchecked = udp_frame(1, 7, bytes_of("none"));
    unchecked[14 + 20 + 6] = 0;
    unchecked[14 + 20 + 7] = 0;
    receive(unchecked);
    read(socket);
    EXPECT_EQ(read(socket), bytes_of("none"));
}

TEST_F(NetUdp, DropsBadLengths) {
    UdpSocket* socket = make_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 7}));
    Bytes datagram = udp_datagram(peer_address, our_address, 1, 7, bytes_of("data"));
    Bytes too_long = datagram;
    store_be16(too_long.data() + 4, 13);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet({}, too_long)));
    Bytes too_short = datagram;
    store_be16(too_short.data() + 4, 7);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet({}, too_short)));
    receive(ethernet_frame(device.mac, peer_mac, 0x0800,
                           ipv4_packet({}, Bytes(datagram.begin(), datagram.begin() + 7))));
    EXPECT_EQ(statistics().dropped_malformed, 3u);
    EXPECT_EQ(socket->readable_bytes(), 0u);
}

TEST_F(NetUdp, BindRules) {
    UdpSocket* first = make_socket();
    ASSERT_OK(first->bind({Ipv4Address::any(), 5000}));
    EXPECT_ERRNO(first->bind({Ipv4Address::any(), 5001}), EINVAL);
    EXPECT_ERRNO(make_socket()->bind({Ipv4Address::any(), 5000}), EADDRINUSE);
    EXPECT_ERRNO(make_socket()->bind({our_address, 5000}), EADDRINUSE);
    EXPECT_ERRNO(make_socket()->bind({Ipv4Address::from_octets(10, 0, 2, 99), 5002}),
                 EADDRNOTAVAIL);
    ASSERT_OK(make_socket()->bind({our_address, 5003}));
}

// connect(AF_UNSPEC) gives back what connect bound on its own, and keeps what bind named
// (__udp_disconnect and the SOCK_BINDPORT_LOCK and SOCK_BINDADDR_LOCK it honours).
TEST_F(NetUdp, DisconnectGivesBackOnlyWhatTheProgramDidNotBind) {
    UdpSocket* automatic = make_socket();
    EXPECT_ERRNO(automatic->path_mtu(), ENOTCONN);
    ASSERT_OK(automatic->connect({peer_address, 53}));
    EXPECT_EQ(value_of(automatic->path_mtu()), 1500u) << "IP_MTU: the interface's";
    uint16_t port = automatic->local_endpoint().port;
    EXPECT_NE(port, 0);
    ASSERT_OK(automatic->connect({Ipv4Address::any(), 0}));
    EXPECT_EQ(automatic->local_endpoint(), (IpEndpoint{Ipv4Address::any(), 0}));
    EXPECT_ERRNO(automatic->remote_endpoint(), ENOTCONN);
    EXPECT_ERRNO(automatic->path_mtu(), ENOTCONN);
    ASSERT_OK(make_socket()->bind({Ipv4Address::any(), port})) << "the port is free again";
    ASSERT_OK(automatic->bind({Ipv4Address::any(), 5010})) << "and the socket may bind";

    UdpSocket* named = make_socket();
    ASSERT_OK(named->bind({Ipv4Address::any(), 5011}));
    ASSERT_OK(named->connect({peer_address, 53}));
    ASSERT_OK(named->connect({Ipv4Address::any(), 0}));
    EXPECT_EQ(named->local_endpoint(), (IpEndpoint{Ipv4Address::any(), 5011}));

    UdpSocket* at_address = make_socket();
    ASSERT_OK(at_address->bind({our_address, 0}));
    ASSERT_OK(at_address->connect({peer_address, 53}));
    ASSERT_OK(at_address->connect({Ipv4Address::any(), 0}));
    EXPECT_EQ(at_address->local_endpoint(), (IpEndpoint{our_address, 0}));
    IpEndpoint discard{peer_address, 9};
    ASSERT_OK(at_address->send_to("x", 1, &discard));
    EXPECT_EQ(at_address->local_endpoint().address, IpAddress(our_address))
        << "the next send binds a new port at the named address";
    EXPECT_NE(at_address->local_endpoint().port, 0);
}

// A datagram to 0.0.0.0 reaches this host (ip_route_output_key_hash_rcu's loopback), and a
// socket connected to it has 127.0.0.1 as its peer.
TEST_F(NetUdp, TheWildcardDestinationIsThisHost) {
    UdpSocket* server = make_socket();
    ASSERT_OK(server->bind({Ipv4Address::from_octets(127, 0, 0, 1), 7000}));
    UdpSocket* client = make_socket();
    IpEndpoint wildcard{Ipv4Address::any(), 7000};
    ASSERT_OK(client->send_to("here", 4, &wildcard));
    stack->poll();
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(read(server), bytes_of("here"));
    ASSERT_OK(client->connect(wildcard));
    EXPECT_EQ(kernel_test::value_of(client->remote_endpoint()),
              (IpEndpoint{Ipv4Address::from_octets(127, 0, 0, 1), 7000}));
}

TEST_F(NetUdp, ReuseAddressAndReusePortShareOnlyWhenBothAgree) {
    ASSERT_OK(make_socket(true, false)->bind({Ipv4Address::any(), 6000}));
    EXPECT_ERRNO(make_socket(false, false)->bind({Ipv4Address::any(), 6000}), EADDRINUSE);
    ASSERT_OK(make_socket(true, false)->bind({Ipv4Address::any(), 6000}));

    ASSERT_OK(make_socket(false, true)->bind({Ipv4Address::any(), 6001}));
    EXPECT_ERRNO(make_socket(true, false)->bind({Ipv4Address::any(), 6001}), EADDRINUSE);
    ASSERT_OK(make_socket(false, true)->bind({Ipv4Address::any(), 6001}));
}

TEST_F(NetUdp, ReusePortSpreadsSendersAcrossTheGroup) {
    UdpSocket* a = make_socket(false, true);
    UdpSocket* b = make_socket(false, true);
    ASSERT_OK(a->bind({Ipv4Address::any(), 6000}));
    ASSERT_OK(b->bind({Ipv4Address::any(), 6000}));
    for (uint16_t port = 1000; port < 1064; ++port)
        device.inject(udp_frame(port, 6000, bytes_of("x")));
    stack->poll();
    size_t in_a = 0, in_b = 0;
    while (!read(a).empty())
        ++in_a;
    while (!read(b).empty())
        ++in_b;
    EXPECT_EQ(in_a + in_b, 64u);
    EXPECT_GT(in_a, 0u);
    EXPECT_GT(in_b, 0u);
    // One sender always lands on the same socket.
    receive(udp_frame(1000, 6000, bytes_of("x")));
    receive(udp_frame(1000, 6000, bytes_of("x")));
    EXPECT_TRUE(a->readable_bytes() == 0 || b->readable_bytes() == 0);
}

TEST_F(NetUdp, EphemeralPortsAreDistinctAndInRange) {
    std::set<uint16_t> ports;
    for (int i = 0; i < 50; ++i) {
        UdpSocket* socket = make_socket();
        ASSERT_OK(socket->bind({Ipv4Address::any(), 0}));
        uint16_t port = socket->local_endpoint().port;
        EXPECT_GE(port, UdpLayer::ephemeral_first);
        ports.insert(port);
    }
    EXPECT_EQ(ports.size(), 50u);
    UdpSocket* implicit = make_socket();
    IpEndpoint to{peer_address, 9};
    ASSERT_FALSE(implicit->send_to("x", 1, &to).is_error());
    EXPECT_GE(implicit->local_endpoint().port, UdpLayer::ephemeral_first);
}

TEST_F(NetUdp, ConnectFiltersAndDefaultsThePeer) {
    UdpSocket* socket = make_socket();
    EXPECT_ERRNO(socket->remote_endpoint(), ENOTCONN);
    EXPECT_ERRNO(socket->send_to("x", 1, nullptr), EDESTADDRREQ);
    ASSERT_OK(socket->connect({peer_address, 53}));
    EXPECT_EQ(value_of(socket->remote_endpoint()), (Ipv4Endpoint{peer_address, 53}));
    uint16_t port = socket->local_endpoint().port;
    ASSERT_NE(port, 0);
    ASSERT_FALSE(socket->send_to("q", 1, nullptr).is_error());
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(load_be16(parse_frame(sent[0].bytes).ip_payload.data() + 2), 53);

    receive(udp_frame(54, port, bytes_of("wrong port")));
    EXPECT_EQ(socket->readable_bytes(), 0u);
    receive(udp_frame(53, port, bytes_of("answer")));
    EXPECT_EQ(read(socket), bytes_of("answer"));
}

TEST_F(NetUdp, SizeLimitsAndPortZero) {
    UdpSocket* socket = make_socket();
    IpEndpoint to{peer_address, 9};
    Bytes huge(65508);
    EXPECT_ERRNO(socket->send_to(huge.data(), huge.size(), &to), EMSGSIZE);
    IpEndpoint port_zero{peer_address, 0};
    EXPECT_ERRNO(socket->send_to("x", 1, &port_zero), EINVAL);
    Bytes largest(65507, 1);
    ASSERT_FALSE(socket->send_to(largest.data(), largest.size(), &to).is_error());
    EXPECT_EQ(device.take_sent().size(), 45u);
}

// IP_MTU_DISCOVER (ip(7); Linux's ip_dont_fragment): DO, PROBE and WANT send with DF what
// goes whole; DO and PROBE refuse what does not fit, the others send it in fragments, without DF.
TEST_F(NetUdp, MtuDiscoveryDecidesDontFragment) {
    UdpSocket* socket = make_socket();
    IpEndpoint to{peer_address, 9};
    auto dont_fragment = [](const TransmittedFrame& frame) {
        return (frame.bytes.at(14 + 6) & 0x40) != 0; // the IPv4 header's DF flag
    };
    Bytes small(100, 1), large(3000, 2);
    struct Expected {
        MtuDiscovery discovery;
        bool small_has_df;
        bool large_refused;
    };
    for (Expected expected :
         {Expected{MtuDiscovery::want, true, false}, Expected{MtuDiscovery::dont, false, false},
          Expected{MtuDiscovery::do_, true, true}, Expected{MtuDiscovery::probe, true, true},
          Expected{MtuDiscovery::interface, false, false},
          Expected{MtuDiscovery::omit, false, false}}) {
        SCOPED_TRACE(static_cast<int>(expected.discovery));
        socket->options().mtu_discovery = expected.discovery;
        ASSERT_OK(socket->send_to(small.data(), small.size(), &to));
        auto sent = device.take_sent();
        ASSERT_EQ(sent.size(), 1u);
        EXPECT_EQ(dont_fragment(sent[0]), expected.small_has_df);
        auto result = socket->send_to(large.data(), large.size(), &to);
        sent = device.take_sent();
        if (expected.large_refused) {
            EXPECT_ERRNO(result, EMSGSIZE);
            EXPECT_TRUE(sent.empty());
            continue;
        }
        ASSERT_OK(result);
        ASSERT_EQ(sent.size(), 3u);
        for (const TransmittedFrame& fragment : sent)
            EXPECT_FALSE(dont_fragment(fragment));
    }
}

// RFC 1191 for datagrams: "fragmentation needed" about one our sockets sent lowers the path to
// that destination for every socket (ten minutes), as Linux's route exceptions do: IP_MTU
// says so, IP_PMTUDISC_DO refuses what is larger, and the rest is fragmented to fit.
TEST_F(NetUdp, FragmentationNeededLowersThePathForEverySocket) {
    UdpSocket* connected = make_socket();
    ASSERT_OK(connected->bind({Ipv4Address::any(), 5000}));
    ASSERT_OK(connected->connect({peer_address, 9}));
    EXPECT_EQ(value_of(connected->path_mtu()), 1500u);
    receive(error_about(17, 6000, 9, 3, 4, 1000));
    EXPECT_EQ(value_of(connected->path_mtu()), 1500u) << "no socket of ours sent that";
    receive(error_about(17, 5000, 9, 3, 4, 1200));
    EXPECT_EQ(value_of(connected->path_mtu()), 1200u);

    UdpSocket* other = make_socket();
    IpEndpoint to{peer_address, 7};
    other->options().mtu_discovery = MtuDiscovery::do_;
    Bytes fits(1200 - 28, 1), too_long(1200 - 27, 2);
    ASSERT_OK(other->send_to(fits.data(), fits.size(), &to));
    EXPECT_ERRNO(other->send_to(too_long.data(), too_long.size(), &to), EMSGSIZE);
    device.take_sent();
    other->options().mtu_discovery = MtuDiscovery::dont;
    Bytes large(3000, 3);
    ASSERT_OK(other->send_to(large.data(), large.size(), &to));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 3u);
    for (const TransmittedFrame& fragment : sent)
        EXPECT_LE(fragment.bytes.size(), 14u + 1200);

    // A report below Linux's floor is taken as the floor; a later, larger one changes nothing.
    receive(error_about(17, 5000, 9, 3, 4, 100));
    EXPECT_EQ(value_of(connected->path_mtu()), 552u);
    receive(error_about(17, 5000, 9, 3, 4, 1400));
    EXPECT_EQ(value_of(connected->path_mtu()), 552u);
    advance(PathMtuCache<Ipv4Address>::lifetime_ns);
    EXPECT_EQ(value_of(connected->path_mtu()), 1500u) << "forgotten after ten minutes";
}

// A path that reported less than the floor is locked (Linux's route MTU lock): IP_PMTUDISC_WANT
// then sends without DF even what fits, for routers to fragment; DO still sets it.
TEST_F(NetUdp, APathBelowTheFloorIsSentToWithoutDf) {
    auto dont_fragment = [](const TransmittedFrame& frame) {
        return (frame.bytes.at(14 + 6) & 0x40) != 0; // the IPv4 header's DF flag
    };
    UdpSocket* socket = make_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 5000}));
    IpEndpoint to{peer_address, 9};
    Bytes small(100, 1);
    ASSERT_OK(socket->send_to(small.data(), small.size(), &to));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(dont_fragment(sent[0]));
    receive(error_about(17, 5000, 9, 3, 4, 552));
    ASSERT_OK(socket->send_to(small.data(), small.size(), &to));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(dont_fragment(sent[0])) << "552 itself is a path like any other";
    receive(error_about(17, 5000, 9, 3, 4, 68));
    ASSERT_OK(socket->send_to(small.data(), small.size(), &to));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_FALSE(dont_fragment(sent[0]));
    socket->options().mtu_discovery = MtuDiscovery::do_;
    ASSERT_OK(socket->send_to(small.data(), small.size(), &to));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(dont_fragment(sent[0]));
    advance(PathMtuCache<Ipv4Address>::lifetime_ns);
    socket->options().mtu_discovery = MtuDiscovery::want;
    ASSERT_OK(socket->send_to(small.data(), small.size(), &to));
    sent = device.take_sent();
    // Behind an ARP request: the neighbour's entry is as old.
    auto datagram = std::find_if(sent.begin(), sent.end(), [](const TransmittedFrame& frame) {
        return frame.bytes.at(12) == 0x08 && frame.bytes.at(13) == 0x00;
    });
    ASSERT_NE(datagram, sent.end());
    EXPECT_TRUE(dont_fragment(*datagram)) << "the lock goes with the estimate";
}

TEST_F(NetUdp, PeekAndTruncation) {
    UdpSocket* socket = make_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 7}));
    receive(udp_frame(1, 7, bytes_of("0123456789")));
    char buffer[4];
    auto peeked = value_of(socket->receive_from(buffer, sizeof buffer, true));
    EXPECT_EQ(peeked.copied, 4u);
    EXPECT_EQ(peeked.full_length, 10u);
    EXPECT_EQ(std::string(buffer, 4), "0123");
    EXPECT_EQ(socket->readable_bytes(), 10u);
    auto taken = value_of(socket->receive_from(buffer, sizeof buffer, false));
    EXPECT_EQ(taken.full_length, 10u);
    EXPECT_EQ(socket->readable_bytes(), 0u);
    EXPECT_ERRNO(socket->receive_from(buffer, sizeof buffer, false), EAGAIN);
}

TEST_F(NetUdp, ReceiveQueueIsBoundedByTheReceiveBuffer) {
    UdpSocket* socket = make_socket();
    socket->options().receive_buffer = 1000;
    ASSERT_OK(socket->bind({Ipv4Address::any(), 7}));
    Bytes payload(400, 7);
    for (int i = 0; i < 4; ++i)
        device.inject(udp_frame(1, 7, payload));
    stack->poll();
    EXPECT_EQ(statistics().udp_receive_buffer_full, 2u);
    EXPECT_EQ(read(socket).size(), 400u);
    EXPECT_EQ(read(socket).size(), 400u);
    EXPECT_TRUE(read(socket).empty());
    // Emptied, it takes more again.
    receive(udp_frame(1, 7, payload));
    EXPECT_EQ(read(socket).size(), 400u);
}

TEST_F(NetUdp, ReadinessFollowsTheQueue) {
    UdpSocket* socket = make_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 7}));
    ReadinessRecorder recorder(socket->readiness());
    receive(udp_frame(1, 7, bytes_of("a")));
    ASSERT_EQ(recorder.events.size(), 1u);
    EXPECT_NE(recorder.events.back() & poll_event::in, 0u);
    EXPECT_NE(recorder.events.back() & poll_event::out, 0u);
    read(socket);
    ASSERT_EQ(recorder.events.size(), 2u);
    EXPECT_EQ(recorder.events.back() & poll_event::in, 0u);
}

TEST_F(NetUdp, ShutdownNeedsAPeerAndEndsEachDirection) {
    UdpSocket* socket = make_socket();
    EXPECT_ERRNO(socket->shutdown(true, true), ENOTCONN);
    ASSERT_OK(socket->connect({peer_address, 9}));
    ASSERT_OK(socket->shutdown(false, true));
    EXPECT_ERRNO(socket->send_to("x", 1, nullptr), EPIPE);
    EXPECT_EQ(socket->poll_events() & poll_event::out, 0u);
    ASSERT_OK(socket->shutdown(true, false));
    char buffer[4];
    EXPECT_EQ(value_of(socket->receive_from(buffer, sizeof buffer, false)).full_length, 0u);
}

TEST_F(NetUdp, BroadcastsReachEveryWildcardSocket) {
    UdpSocket* a = make_socket(true);
    UdpSocket* b = make_socket(true);
    UdpSocket* specific = make_socket(true);
    ASSERT_OK(a->bind({Ipv4Address::any(), 520}));
    ASSERT_OK(b->bind({Ipv4Address::any(), 520}));
    ASSERT_OK(specific->bind({our_address, 520}));
    for (Ipv4Address destination :
         {Ipv4Address::limited_broadcast(), Ipv4Address::from_octets(10, 0, 2, 255)}) {
        Ipv4Fields fields;
        fields.destination = destination;
        receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0800,
                               ipv4_packet(fields, udp_datagram(peer_address, destination, 520, 520,
                                                                bytes_of("routes")))));
    }
    EXPECT_EQ(read(a), bytes_of("routes"));
    EXPECT_EQ(read(a), bytes_of("routes"));
    EXPECT_EQ(read(b), bytes_of("routes"));
    EXPECT_EQ(specific->readable_bytes(), 0u);
}

TEST_F(NetUdp, CloseFreesQueuedDatagrams) {
    UdpSocket* socket = stack->create_udp_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 7}));
    receive(udp_frame(1, 7, bytes_of("left unread")));
    socket->close();
    receive(udp_frame(1, 7, bytes_of("after close")));
    EXPECT_EQ(statistics().udp_no_port, 1u);
    // ASan's leak check would catch the queued datagram if close() lost it.
}

} // namespace
} // namespace kernel_test
