// Many connections at once: lookups, timers and listeners sharing a port, at the scale where a
// walk over every connection would show.
#include "kernel/tcp_harness.h"

#include <map>
#include <set>

namespace {

using namespace tcp_test;

class TcpMany : public TcpHarness {
protected:
    struct Peer {
        Ipv4Address address;
        uint16_t port;
        uint32_t next; // its next sequence number
        uint32_t ours; // the next sequence number it expects from us
    };

    Peer peer_number(size_t index) {
        return {Ipv4Address::from_octets(10, 1, uint8_t(index / 250), uint8_t(1 + index % 250)),
                uint16_t(20000 + index % 7000), uint32_t(1000 + index * 7), 0};
    }
    void deliver_from(const Peer& from, uint8_t flags, const std::string& payload = {}) {
        TcpHeader header;
        header.source_port = from.port;
        header.destination_port = server_port;
        header.sequence = from.next;
        header.acknowledgment = from.ours;
        header.flags = flags;
        header.window = 65535;
        auto bytes = build_segment(from.address, us(), header, payload);
        layer.receive(from.address, us(), bytes.data(), bytes.size(), false);
    }
    // The three-way handshake from `from`, whose SYN-ACK must come back to it.
    void handshake(Peer& from) {
        deliver_from(from, tcp_flag::syn);
        Sent syn_ack = take();
        ASSERT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
        ASSERT_EQ(syn_ack.destination, from.address);
        ASSERT_EQ(syn_ack.header().destination_port, from.port);
        from.next += 1;
        from.ours = syn_ack.header().sequence + 1;
        deliver_from(from, tcp_flag::ack);
    }
    TcpSocket* make_listener(bool reuse_port, int backlog = 4096) {
        TcpSocket* socket = layer.create_socket();
        socket->options().reuse_port = reuse_port;
        EXPECT_EQ(kernel_test::outcome(socket->bind({Ipv4Address::any(), server_port})), "OK");
        EXPECT_EQ(kernel_test::outcome(socket->listen(backlog)), "OK");
        return socket;
    }
};

TEST_F(TcpMany, ThousandsOfConnectionsEachGetTheirOwnSegments) {
    constexpr size_t count = 3000;
    listener = make_listener(false);
    std::vector<Peer> peers;
    for (size_t index = 0; index < count; ++index) {
        peers.push_back(peer_number(index));
        ASSERT_NO_FATAL_FAILURE(handshake(peers.back()));
    }
    std::map<std::pair<uint32_t, uint16_t>, TcpSocket*> accepted;
    while (true) {
        auto socket = listener->accept();
        if (socket.is_error())
            break;
        auto remote = kernel_test::value_of(socket.value()->remote_endpoint());
        accepted[{remote.address.v4().value, remote.port}] = socket.value();
    }
    ASSERT_EQ(accepted.size(), count);
    // Newest first, each with data naming it, so a lookup that found the wrong connection
    // shows as a payload in the wrong socket.
    for (size_t index = count; index-- > 0;)
        deliver_from(peers[index], tcp_flag::ack | tcp_flag::psh, "peer " + std::to_string(index));
    for (size_t index = 0; index < count; ++index) {
        TcpSocket* socket = accepted[{peers[index].address.value, peers[index].port}];
        ASSERT_NE(socket, nullptr);
        EXPECT_EQ(read_all(socket), "peer " + std::to_string(index));
    }
    for (auto& [remote, socket] : accepted)
        socket->close();
}

TEST_F(TcpMany, EachConnectionRetransmitsWhenItsOwnTimerIsDue) {
    constexpr size_t count = 2000;
    listener = make_listener(false);
    std::vector<Peer> peers;
    std::vector<TcpSocket*> sockets;
    for (size_t index = 0; index < count; ++index) {
        peers.push_back(peer_number(index));
        ASSERT_NO_FATAL_FAILURE(handshake(peers.back()));
        sockets.push_back(kernel_test::value_of(listener->accept()));
    }
    // Half send at once, half 100 ms later: two waves of timeouts, each an RTO (at least
    // 200 ms) after its sends.
    ip.sent.clear();
    for (size_t index = 0; index < count; ++index) {
        if (index == count / 2)
            FakeWorld::now += 100 * ms;
        ASSERT_EQ(kernel_test::value_of(sockets[index]->send("x", 1)), 1u);
    }
    EXPECT_EQ(ip.sent.size(), count);
    ip.sent.clear();
    uint64_t before = layer.statistics().retransmitted;
    for (int step = 0; step < 1000 && layer.statistics().retransmitted == before; ++step)
        advance(5 * ms);
    EXPECT_EQ(layer.statistics().retransmitted, before + count / 2);
    std::set<std::pair<uint32_t, uint16_t>> first_wave;
    for (const Sent& segment : ip.sent)
        first_wave.insert({segment.destination.v4().value, segment.header().destination_port});
    std::set<std::pair<uint32_t, uint16_t>> first_half;
    for (size_t index = 0; index < count / 2; ++index)
        first_half.insert({peers[index].address.value, peers[index].port});
    EXPECT_EQ(first_wave, first_half);
    advance_in_steps(100 * ms, 5 * ms);
    EXPECT_EQ(layer.statistics().retransmitted, before + count);
    std::set<std::pair<uint32_t, uint16_t>> both_waves;
    for (const Sent& segment : ip.sent)
        both_waves.insert({segment.destination.v4().value, segment.header().destination_port});
    EXPECT_EQ(both_waves.size(), count);
    for (TcpSocket* socket : sockets)
        socket->close();
}

TEST_F(TcpMany, ReusePortSpreadsConnectionsAcrossListeners) {
    constexpr size_t listeners = 4, count = 800;
    std::vector<TcpSocket*> group;
    for (size_t index = 0; index < listeners; ++index)
        group.push_back(make_listener(true));
    for (size_t index = 0; index < count; ++index) {
        Peer from = peer_number(index);
        ASSERT_NO_FATAL_FAILURE(handshake(from));
    }
    size_t total = 0;
    for (TcpSocket* member : group) {
        size_t taken = 0;
        while (!member->accept().is_error())
            ++taken;
        // An even spread gives 200 each; a hash that favoured one would starve another.
        EXPECT_GT(taken, count / listeners / 2);
        total += taken;
    }
    EXPECT_EQ(total, count);
    for (TcpSocket* member : group)
        member->close();
}

TEST_F(TcpMany, ReusePortNeedsEverySocketToAskForIt) {
    TcpSocket* first = make_listener(true);
    TcpSocket* without = layer.create_socket();
    EXPECT_ERRNO(without->bind({Ipv4Address::any(), server_port}), EADDRINUSE);
    TcpSocket* with = layer.create_socket();
    with->options().reuse_port = true;
    EXPECT_EQ(kernel_test::outcome(with->bind({Ipv4Address::any(), server_port})), "OK");
    first->close();
    with->close();
    without->close();

    TcpSocket* plain = make_listener(false);
    TcpSocket* asking = layer.create_socket();
    asking->options().reuse_port = true;
    EXPECT_ERRNO(asking->bind({Ipv4Address::any(), server_port}), EADDRINUSE);
    plain->close();
    EXPECT_EQ(kernel_test::outcome(asking->bind({Ipv4Address::any(), server_port})), "OK")
        << "a closed listener frees it";
    asking->close();
}

TEST_F(TcpMany, EphemeralPortsStayDistinctAcrossThousandsOfConnects) {
    std::set<uint16_t> ports;
    std::vector<TcpSocket*> sockets;
    for (size_t index = 0; index < 5000; ++index) {
        TcpSocket* socket = layer.create_socket();
        EXPECT_ERRNO(socket->connect({peer, peer_port}), EINPROGRESS);
        ports.insert(socket->local_endpoint().port);
        sockets.push_back(socket);
    }
    EXPECT_EQ(ports.size(), sockets.size());
    for (TcpSocket* socket : sockets)
        socket->close();
}

} // namespace
