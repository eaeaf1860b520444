#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;
using kernel::poll_event::in;
using kernel::poll_event::out;

TcpOptions full_syn_options() {
    TcpOptions options;
    options.has_mss = true;
    options.mss = 1400;
    options.has_window_scale = true;
    options.window_scale = 7;
    options.sack_permitted = true;
    options.has_timestamps = true;
    options.timestamp_value = 777;
    return options;
}

using TcpHandshake = TcpHarness;

TEST_F(TcpHandshake, PassiveOpenNegotiatesEveryOption) {
    listener = layer.create_socket();
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(8));
    deliver(tcp_flag::syn, 1000, 0, {}, full_syn_options());
    Sent syn_ack = take();
    TcpHeader header = syn_ack.header();
    EXPECT_EQ(header.flags, tcp_flag::syn | tcp_flag::ack);
    EXPECT_EQ(header.acknowledgment, 1001u);
    EXPECT_EQ(header.source_port, server_port);
    EXPECT_EQ(header.destination_port, peer_port);
    EXPECT_EQ(syn_ack.source, us());
    EXPECT_EQ(syn_ack.destination, peer);
    EXPECT_TRUE(header.options.has_mss);
    EXPECT_EQ(header.options.mss, 1460);
    EXPECT_TRUE(header.options.has_window_scale);
    EXPECT_TRUE(header.options.sack_permitted);
    EXPECT_TRUE(header.options.has_timestamps);
    EXPECT_EQ(header.options.timestamp_echo, 777u);
    EXPECT_ERRNO(listener->accept(), EAGAIN);
    EXPECT_EQ(listener->poll_events() & in, 0u);

    TcpOptions ack_options;
    ack_options.has_timestamps = true;
    ack_options.timestamp_value = 778;
    ack_options.timestamp_echo = header.options.timestamp_value;
    deliver(tcp_flag::ack, 1001, header.sequence + 1, {}, ack_options, 100);
    EXPECT_NE(listener->poll_events() & in, 0u);
    auto accepted = listener->accept();
    ASSERT_FALSE(accepted.is_error());
    TcpSocket* socket = accepted.value();
    EXPECT_EQ(state_of(socket), TcpState::established);
    EXPECT_EQ(socket->local_endpoint(), (IpEndpoint{us(), server_port}));
    EXPECT_EQ(kernel_test::value_of(socket->remote_endpoint()), (IpEndpoint{peer, peer_port}));
    EXPECT_NE(socket->poll_events() & out, 0u);
    EXPECT_EQ(layer.statistics().connections_opened, 1u);
    EXPECT_ERRNO(listener->accept(), EAGAIN);

    // The peer's window of 100 is scaled by 2^7: 12,800 bytes may be in flight, sent in
    // segments of its MSS less the 12 bytes of timestamps, each carrying timestamps.
    socket->options().no_delay = true;
    socket->options_changed();
    std::string data = pattern(20000);
    EXPECT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), 20000u);
    size_t total = 0;
    while (!ip.sent.empty()) {
        Sent segment = take();
        EXPECT_LE(segment.payload().size(), 1388u);
        EXPECT_TRUE(segment.header().options.has_timestamps);
        EXPECT_EQ(segment.header().options.timestamp_echo, 778u);
        total += segment.payload().size();
    }
    EXPECT_LE(total, 12800u);
    EXPECT_GT(total, 12800u - 1388u);
    socket->close();
}

TEST_F(TcpHandshake, PassiveOpenWithoutOptionsOffersOnlyMss) {
    TcpSocket* socket = open_passive();
    ASSERT_NE(socket, nullptr);
    // The SYN-ACK went out during open_passive; check the next data segment instead: no
    // timestamps, and at most the default 536-byte MSS of a SYN without one.
    socket->options().no_delay = true;
    std::string data = pattern(1000);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), 1000u);
    Sent first = take();
    EXPECT_FALSE(first.header().options.has_timestamps);
    EXPECT_EQ(first.payload(), data.substr(0, 536));
    socket->close();
}

TEST_F(TcpHandshake, SynAckAnswersOnlyOffersThatWereMade) {
    listener = layer.create_socket();
    ASSERT_OK(listener->listen(4));
    EXPECT_NE(listener->local_endpoint().port, 0); // listen binds an ephemeral port
    local_port = listener->local_endpoint().port;
    EXPECT_GE(local_port, 32768);
    EXPECT_LE(local_port, 60999);
    deliver(tcp_flag::syn, 1000, 0);
    TcpHeader header = take().header();
    EXPECT_TRUE(header.options.has_mss);
    EXPECT_FALSE(header.options.has_window_scale);
    EXPECT_FALSE(header.options.sack_permitted);
    EXPECT_FALSE(header.options.has_timestamps);
}

TEST_F(TcpHandshake, ActiveOpenOffersEveryOptionAndConnects) {
    TcpSocket* socket = layer.create_socket();
    EXPECT_ERRNO(socket->remote_endpoint(), ENOTCONN);
    EXPECT_ERRNO(socket->connect({peer, 80}), EINPROGRESS);
    EXPECT_ERRNO(socket->connect({peer, 80}), EALREADY);
    EXPECT_EQ(socket->poll_events() & out, 0u);
    Sent syn = take();
    TcpHeader header = syn.header();
    EXPECT_EQ(header.flags, tcp_flag::syn);
    EXPECT_EQ(header.destination_port, 80);
    EXPECT_GE(header.source_port, 32768);
    EXPECT_LE(header.source_port, 60999);
    EXPECT_EQ(header.options.mss, 1460);
    EXPECT_TRUE(header.options.has_window_scale);
    EXPECT_GE(header.options.window_scale, 1); // 128 KiB does not fit 16 bits
    EXPECT_TRUE(header.options.sack_permitted);
    EXPECT_TRUE(header.options.has_timestamps);
    EXPECT_EQ(syn.source, us());

    TcpOptions answer;
    answer.has_mss = true;
    answer.mss = 1000;
    peer_port = 80;
    local_port = header.source_port;
    deliver(tcp_flag::syn | tcp_flag::ack, 5000, header.sequence + 1, {}, answer);
    Sent ack = take();
    EXPECT_EQ(ack.header().flags, tcp_flag::ack);
    EXPECT_EQ(ack.header().acknowledgment, 5001u);
    EXPECT_EQ(ack.header().sequence, header.sequence + 1);
    EXPECT_FALSE(ack.header().options.has_timestamps); // the peer did not answer them
    EXPECT_EQ(state_of(socket), TcpState::established);
    EXPECT_ERRNO(socket->connect({peer, 80}), EISCONN);
    EXPECT_NE(socket->poll_events() & out, 0u);
    EXPECT_EQ(socket->take_error(), 0);

    socket->options().no_delay = true;
    std::string data = pattern(1500);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), 1500u);
    EXPECT_EQ(take().payload().size(), 1000u); // the peer's MSS
    EXPECT_EQ(take().payload().size(), 500u);
}

TEST_F(TcpHandshake, ConnectRefusedByReset) {
    TcpSocket* socket = layer.create_socket();
    EXPECT_ERRNO(socket->connect({peer, 81}), EINPROGRESS);
    TcpHeader syn = take().header();
    peer_port = 81;
    local_port = syn.source_port;
    deliver(tcp_flag::rst | tcp_flag::ack, 0, syn.sequence + 1);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_NE(socket->poll_events() & kernel::poll_event::error, 0u);
    EXPECT_EQ(socket->take_error(), kernel::ECONNREFUSED);
    expect_nothing_sent();
    socket->close();
}

TEST_F(TcpHandshake, SynRetransmittedWithBackoffThenTimesOut) {
    TcpSocket* socket = layer.create_socket();
    EXPECT_ERRNO(socket->connect({peer, 80}), EINPROGRESS);
    Sent first = take();
    advance(999 * ms);
    expect_nothing_sent();
    advance(1 * ms);
    EXPECT_EQ(take().header().sequence, first.header().sequence); // 1 s: the initial RTO
    advance(1999 * ms);
    expect_nothing_sent();
    advance(1 * ms);
    EXPECT_TRUE(take().has(tcp_flag::syn)); // then 2 s
    advance_in_steps(200 * seconds, 500 * ms);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), kernel::ETIMEDOUT);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpHandshake, SimultaneousOpen) {
    TcpSocket* socket = layer.create_socket();
    EXPECT_ERRNO(socket->connect({peer, 80}), EINPROGRESS);
    TcpHeader syn = take().header();
    peer_port = 80;
    local_port = syn.source_port;
    deliver(tcp_flag::syn, 7000, 0);
    Sent syn_ack = take();
    EXPECT_EQ(syn_ack.header().flags, tcp_flag::syn | tcp_flag::ack);
    EXPECT_EQ(syn_ack.header().sequence, syn.sequence);
    EXPECT_EQ(syn_ack.header().acknowledgment, 7001u);
    EXPECT_ERRNO(socket->connect({peer, 80}), EALREADY);
    deliver(tcp_flag::syn | tcp_flag::ack, 7000, syn.sequence + 1);
    // Its SYN-ACK repeats the SYN already taken: acknowledged again, now established.
    deliver(tcp_flag::ack, 7001, syn.sequence + 1);
    EXPECT_EQ(state_of(socket), TcpState::established);
}

TEST_F(TcpHandshake, AThousandConnectionsEachGetTheirOwnSegments) {
    listener = layer.create_socket();
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(4096));
    std::vector<TcpSocket*> sockets;
    std::vector<uint32_t> server_next;
    for (uint16_t index = 0; index < 1000; ++index) {
        peer_port = static_cast<uint16_t>(20000 + index);
        deliver(tcp_flag::syn, index * 1000u, 0);
        Sent syn_ack = take();
        server_next.push_back(syn_ack.header().sequence + 1);
        deliver(tcp_flag::ack, index * 1000u + 1, server_next.back());
        sockets.push_back(kernel_test::value_of(listener->accept()));
    }
    EXPECT_EQ(layer.statistics().connections_opened, 1000u);
    for (uint16_t index = 0; index < 1000; ++index) {
        peer_port = static_cast<uint16_t>(20000 + index);
        deliver(tcp_flag::ack | tcp_flag::psh, index * 1000u + 1, server_next[index],
                "peer " + std::to_string(index));
    }
    for (uint16_t index = 0; index < 1000; ++index) {
        ASSERT_EQ(read_all(sockets[index]), "peer " + std::to_string(index));
        sockets[index]->close(); // unread data none: a FIN each
    }
    EXPECT_EQ(layer.statistics().resets_sent, 0u);
    listener->close();
}

TEST_F(TcpHandshake, BindRules) {
    TcpSocket* first = layer.create_socket();
    TcpSocket* second = layer.create_socket();
    ASSERT_OK(first->bind({Ipv4Address::any(), 8080}));
    EXPECT_ERRNO(first->bind({Ipv4Address::any(), 8081}), EINVAL);
    EXPECT_ERRNO(second->bind({us(), 8080}), EADDRINUSE);
    EXPECT_ERRNO(second->bind({Ipv4Address::from_octets(10, 9, 9, 9), 8082}), EADDRNOTAVAIL);
    first->options().reuse_port = true;
    second->options().reuse_port = true;
    ASSERT_OK(second->bind({Ipv4Address::any(), 8080}));
    first->close();
    second->close();
    TcpSocket* third = layer.create_socket();
    ASSERT_OK(third->bind({Ipv4Address::any(), 8080}));
    third->close();
}

} // namespace
