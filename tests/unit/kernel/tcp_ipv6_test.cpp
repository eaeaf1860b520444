// TCP over IPv6 and the dual stack of AF_INET6 stream sockets: handshakes and MSS over IPv6
// (RFC 8200 8.3: 60 bytes of headers), IPv4 peers of a [::] listener seen as ::ffff:a.b.c.d
// (RFC 4291 2.5.5.2), IPV6_V6ONLY, bind conflicts across the families as Linux's
// inet_rcv_saddr_equal has them, and packet-too-big (RFC 8201).
#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;

constexpr Ipv4Address peer4 = Ipv4Address::from_octets(10, 0, 0, 2);

class TcpIpv6 : public TcpHarness {
protected:
    void SetUp() override {
        TcpHarness::SetUp();
        use_ipv6();
    }
    TcpSocket* socket(bool ipv6_socket, bool v6_only = false) {
        TcpSocket* created = layer.create_socket(ipv6_socket);
        created->options().v6_only = v6_only;
        opened.push_back(created);
        return created;
    }
    void TearDown() override {
        for (TcpSocket* each : opened)
            each->close();
    }
    // A SYN to `port` from `from`, to our address of its family.
    void syn_from(const IpAddress& from, uint16_t port) {
        TcpHeader header;
        header.source_port = peer_port;
        header.destination_port = port;
        header.sequence = 1000;
        header.flags = tcp_flag::syn;
        header.window = 65535;
        IpAddress to = from.is_v4() ? IpAddress(ip.address) : IpAddress(ip.address6);
        auto bytes = build_segment(from, to, header);
        layer.receive(from, to, bytes.data(), bytes.size(), false);
    }
    // Completes the handshake `syn_ack` answered (the peer's SYN was syn_from's) and accepts
    // the connection from `listener`.
    TcpSocket* accept_after(const Sent& syn_ack, TcpSocket* listener) {
        our_next = syn_ack.header().sequence + 1;
        peer_next = 1001;
        local_port = server_port;
        send_from_peer({});
        auto accepted = listener->accept();
        EXPECT_FALSE(accepted.is_error());
        if (accepted.is_error())
            return nullptr;
        opened.push_back(accepted.value());
        return accepted.value();
    }
    static constexpr IpEndpoint any6(uint16_t port) { return {Ipv6Address::any(), port}; }
    static constexpr IpEndpoint any4(uint16_t port) { return {Ipv4Address::any(), port}; }

    std::vector<TcpSocket*> opened;
};

TEST_F(TcpIpv6, PassiveOpenAnswersFromOurAddressWithTheIpv6Mss) {
    TcpSocket* accepted = open_passive();
    ASSERT_NE(accepted, nullptr);
    EXPECT_EQ(accepted->local_endpoint(), (IpEndpoint{ip.address6, server_port}));
    EXPECT_EQ(kernel_test::value_of(accepted->remote_endpoint()), (IpEndpoint{peer, peer_port}));
    // Without the peer's MSS option segments carry 536 bytes (RFC 9293 3.7.1).
    std::string data = pattern(5 * 536);
    EXPECT_EQ(send_now(accepted, data), data);
    accepted->close();
}

TEST_F(TcpIpv6, TheSynCarriesTheIpv6Mss) {
    TcpSocket* client = socket(true);
    EXPECT_ERRNO(client->connect({peer, 80}), EINPROGRESS);
    Sent syn = take();
    EXPECT_EQ(syn.source, IpAddress(ip.address6));
    EXPECT_EQ(syn.destination, peer);
    EXPECT_FALSE(syn.source.is_v4());
    EXPECT_EQ(syn.header().options.mss, 1500 - 40 - 20);
    EXPECT_EQ(client->local_endpoint().address, IpAddress(ip.address6));
}

TEST_F(TcpIpv6, DataBothWaysOverIpv6) {
    TcpOptions options;
    options.has_mss = true;
    options.mss = 1440;
    TcpSocket* client = open_active(options);
    std::string data = pattern(4000);
    std::string sent = send_now(client, data);
    EXPECT_EQ(sent, data.substr(0, sent.size()));
    EXPECT_GT(sent.size(), 1440u);
    send_from_peer("reply over six");
    char buffer[64];
    EXPECT_EQ(kernel_test::value_of(client->receive(buffer, sizeof buffer, false)), 14u);
    EXPECT_EQ(std::string(buffer, 14), "reply over six");
    client->close();
}

TEST_F(TcpIpv6, ADualStackListenerTakesIpv4PeersAsMappedAddresses) {
    TcpSocket* listener = socket(true);
    ASSERT_OK(listener->bind(any6(server_port)));
    ASSERT_OK(listener->listen(4));
    syn_from(peer4, server_port);
    Sent syn_ack = take();
    ASSERT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
    // Answered over IPv4, with IPv4's MSS.
    EXPECT_EQ(syn_ack.source, IpAddress(ip.address));
    EXPECT_EQ(syn_ack.destination, IpAddress(peer4));
    EXPECT_EQ(syn_ack.header().options.mss, 1460);
    peer = peer4;
    TcpSocket* accepted = accept_after(syn_ack, listener);
    ASSERT_NE(accepted, nullptr);
    EXPECT_EQ(kernel_test::value_of(accepted->remote_endpoint()), (IpEndpoint{peer4, peer_port}));
    EXPECT_TRUE(accepted->local_endpoint().address.is_v4());
}

TEST_F(TcpIpv6, AV6OnlyListenerRefusesIpv4) {
    TcpSocket* listener = socket(true, true);
    ASSERT_OK(listener->bind(any6(server_port)));
    ASSERT_OK(listener->listen(4));
    syn_from(peer4, server_port);
    Sent reset = take();
    EXPECT_TRUE(reset.has(tcp_flag::rst));
    EXPECT_EQ(reset.destination, IpAddress(peer4));
    // IPv6 still reaches it.
    syn_from(peer, server_port);
    EXPECT_TRUE(take().has(tcp_flag::syn | tcp_flag::ack));
}

TEST_F(TcpIpv6, AnIpv4ListenerRefusesIpv6) {
    TcpSocket* listener = socket(false);
    ASSERT_OK(listener->bind(any4(server_port)));
    ASSERT_OK(listener->listen(4));
    syn_from(peer, server_port);
    Sent reset = take();
    EXPECT_TRUE(reset.has(tcp_flag::rst));
    EXPECT_EQ(reset.source, IpAddress(ip.address6));
    EXPECT_EQ(reset.destination, peer);
}

TEST_F(TcpIpv6, AListenerOnOurAddressComesBeforeTheWildcard) {
    TcpSocket* wildcard_listener = socket(true);
    wildcard_listener->options().reuse_port = true;
    ASSERT_OK(wildcard_listener->bind(any6(server_port)));
    ASSERT_OK(wildcard_listener->listen(4));
    TcpSocket* exact = socket(true);
    exact->options().reuse_port = true;
    ASSERT_OK(exact->bind({ip.address6, server_port}));
    ASSERT_OK(exact->listen(4));
    syn_from(peer, server_port);
    Sent syn_ack = take();
    ASSERT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
    EXPECT_NE(accept_after(syn_ack, exact), nullptr);
    EXPECT_ERRNO(wildcard_listener->accept(), EAGAIN);
}

TEST_F(TcpIpv6, BindConflictsAcrossTheFamiliesAsLinux) {
    TcpSocket* dual = socket(true);
    ASSERT_OK(dual->bind(any6(9000)));
    EXPECT_ERRNO(socket(false)->bind(any4(9000)), EADDRINUSE);
    EXPECT_ERRNO(socket(false)->bind({ip.address, 9000}), EADDRINUSE);
    EXPECT_ERRNO(socket(true)->bind({ip.address6, 9000}), EADDRINUSE);

    TcpSocket* v6_only = socket(true, true);
    ASSERT_OK(v6_only->bind(any6(9001)));
    EXPECT_OK(socket(false)->bind(any4(9001)));
    EXPECT_ERRNO(socket(true)->bind(any6(9001)), EADDRINUSE);

    TcpSocket* ipv4 = socket(false);
    ASSERT_OK(ipv4->bind(any4(9002)));
    EXPECT_ERRNO(socket(true)->bind(any6(9002)), EADDRINUSE);
    EXPECT_OK(socket(true, true)->bind(any6(9002)));

    TcpSocket* ipv4_again = socket(false);
    ASSERT_OK(ipv4_again->bind(any4(9003)));
    EXPECT_OK(socket(true)->bind({Ipv6Address::loopback(), 9003}));
}

TEST_F(TcpIpv6, BindChecksTheAddressAndFamily) {
    // An IPv4 address on a V6ONLY socket: inet6_bind's EINVAL.
    EXPECT_ERRNO(socket(true, true)->bind(any4(9100)), EINVAL);
    EXPECT_ERRNO(socket(false)->bind(any6(9100)), EAFNOSUPPORT);
    Ipv6Address elsewhere = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99}};
    EXPECT_ERRNO(socket(true)->bind({elsewhere, 9100}), EADDRNOTAVAIL);
    EXPECT_OK(socket(true)->bind({Ipv6Address::loopback(), 9100}));
    // A mapped address of ours on a dual-stack socket is IPv4's.
    TcpSocket* mapped = socket(true);
    ASSERT_OK(mapped->bind({ip.address, 9101}));
    EXPECT_TRUE(mapped->local_endpoint().address.is_v4());
}

// Connecting to the wildcard reaches this host, as on Linux: :: is ::1 (127.0.0.1 for a socket
// bound to an IPv4 address), 0.0.0.0 the socket's address or 127.0.0.1.
TEST_F(TcpIpv6, ConnectingToTheWildcardReachesThisHost) {
    // Where the last SYN went.
    auto syn_destination = [this] {
        EXPECT_FALSE(ip.sent.empty());
        return ip.sent.empty() ? IpAddress() : ip.sent.back().destination;
    };
    TcpSocket* six = socket(true);
    EXPECT_ERRNO(six->connect({Ipv6Address::any(), 80}), EINPROGRESS);
    EXPECT_EQ(syn_destination(), IpAddress(Ipv6Address::loopback()));
    TcpSocket* four = socket(false);
    EXPECT_ERRNO(four->connect({Ipv4Address::any(), 80}), EINPROGRESS);
    EXPECT_EQ(syn_destination(), IpAddress(Ipv4Address::from_octets(127, 0, 0, 1)));
    TcpSocket* bound = socket(false);
    ASSERT_OK(bound->bind({ip.address, 0}));
    EXPECT_ERRNO(bound->connect({Ipv4Address::any(), 80}), EINPROGRESS);
    EXPECT_EQ(syn_destination(), IpAddress(ip.address));
    TcpSocket* mapped = socket(true);
    ASSERT_OK(mapped->bind({ip.address, 0}));
    EXPECT_ERRNO(mapped->connect({Ipv6Address::any(), 80}), EINPROGRESS);
    EXPECT_EQ(syn_destination(), IpAddress(Ipv4Address::from_octets(127, 0, 0, 1)));
}

TEST_F(TcpIpv6, ConnectRefusesWhatTheSocketCannotReach) {
    EXPECT_ERRNO(socket(true, true)->connect({peer4, 80}), ENETUNREACH);
    EXPECT_ERRNO(socket(false)->connect({peer, 80}), EAFNOSUPPORT);
    EXPECT_ERRNO(socket(true)->connect({Ipv6Address::all_nodes(), 80}), ENETUNREACH);
    // Bound to an IPv6 address, it cannot reach an IPv4 peer.
    TcpSocket* bound = socket(true);
    ASSERT_OK(bound->bind({ip.address6, 0}));
    EXPECT_ERRNO(bound->connect({peer4, 80}), ENETUNREACH);
    EXPECT_TRUE(ip.sent.empty());
}

TEST_F(TcpIpv6, AConnectedSocketAnswersEisconnWhateverTheFamily) {
    TcpSocket* client = open_active();
    EXPECT_ERRNO(client->connect({peer4, 80}), EISCONN);
    client->options().v6_only = true;
    EXPECT_ERRNO(client->connect({peer4, 80}), EISCONN);
    client->close();
}

TEST_F(TcpIpv6, ADualStackSocketConnectsToIpv4OverIpv4) {
    TcpSocket* client = socket(true);
    EXPECT_ERRNO(client->connect({peer4, 80}), EINPROGRESS);
    Sent syn = take();
    EXPECT_EQ(syn.source, IpAddress(ip.address));
    EXPECT_EQ(syn.destination, IpAddress(peer4));
    EXPECT_EQ(syn.header().options.mss, 1460);
}

TEST_F(TcpIpv6, ABadChecksumOverIpv6IsDropped) {
    TcpHeader header;
    header.source_port = peer_port;
    header.destination_port = server_port;
    header.flags = tcp_flag::syn;
    // Summed over the IPv4 pseudo header: wrong for IPv6.
    std::vector<uint8_t> bytes = build_segment(peer4, ip.address, header);
    layer.receive(peer, us(), bytes.data(), bytes.size(), false);
    EXPECT_EQ(layer.statistics().dropped_bad_checksum, 1u);
    expect_nothing_sent();
}

TEST_F(TcpIpv6, PacketTooBigResendsAtTheSmallerSizeAndNeverBelow1280) {
    ip.link = 9000;
    TcpOptions options;
    options.has_mss = true;
    options.mss = 8940;
    TcpSocket* client = open_active(options);
    std::string data = pattern(20000);
    ASSERT_EQ(kernel_test::value_of(client->send(data.data(), data.size())), data.size());
    std::vector<Sent> first;
    while (!ip.sent.empty())
        first.push_back(take());
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first[0].payload().size(), 8940u);
    std::vector<uint8_t> quoted(first[0].bytes.begin(), first[0].bytes.begin() + 8);
    EXPECT_EQ(kernel_test::value_of(client->path_mtu()), 9000u);
    ip.path_mtu6 = 1400;
    layer.receive_icmp_error(peer, quoted.data(), quoted.size(), kernel::EMSGSIZE, 1400);
    EXPECT_EQ(layer.statistics().path_mtu_reductions, 1u);
    EXPECT_EQ(kernel_test::value_of(client->path_mtu()), 1400u) << "IPV6_MTU";
    ASSERT_FALSE(ip.sent.empty());
    Sent resent = take();
    EXPECT_EQ(resent.header().sequence, our_next);
    EXPECT_EQ(resent.payload().size(), 1400u - 40 - 20);
    EXPECT_EQ(resent.payload(), data.substr(0, 1340));
    ip.sent.clear();
    // A forged report below IPv6's minimum link MTU lowers it only to 1280.
    layer.receive_icmp_error(peer, quoted.data(), quoted.size(), kernel::EMSGSIZE, 300);
    ip.path_mtu6 = 1280;
    ASSERT_FALSE(ip.sent.empty());
    EXPECT_EQ(take().payload().size(), 1280u - 40 - 20);
    EXPECT_EQ(kernel_test::value_of(client->path_mtu()), 1280u);
    client->close();
}

} // namespace
