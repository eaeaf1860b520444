#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;
using namespace kernel::poll_event;

using TcpClose = TcpHarness;

TEST_F(TcpClose, ActiveCloseWaitsInTimeWaitForTwoMsl) {
    TcpSocket* socket = open_passive();
    ASSERT_OK(socket->shutdown(false, true));
    Sent fin = take();
    EXPECT_EQ(fin.header().flags, tcp_flag::fin | tcp_flag::ack);
    EXPECT_EQ(fin.header().sequence, our_next);
    EXPECT_EQ(state_of(socket), TcpState::fin_wait_1);
    EXPECT_ERRNO(socket->send("x", 1), EPIPE);
    EXPECT_EQ(socket->poll_events() & out, 0u);
    ack_from_peer(our_next + 1);
    EXPECT_EQ(state_of(socket), TcpState::fin_wait_2);
    send_from_peer("bye", tcp_flag::fin);
    Sent last_ack = take();
    EXPECT_EQ(last_ack.header().acknowledgment, peer_next);
    expect_nothing_sent(); // one ACK for the data and the FIN together
    EXPECT_EQ(state_of(socket), TcpState::time_wait);
    EXPECT_EQ(read_all(socket), "bye");
    EXPECT_EQ(kernel_test::value_of(socket->receive(nullptr, 0, false)), 0u);
    EXPECT_NE(socket->poll_events() & hang_up, 0u);
    // A retransmitted FIN is acknowledged again.
    deliver(tcp_flag::fin | tcp_flag::ack, peer_next - 1, our_next + 1);
    EXPECT_EQ(take().header().acknowledgment, peer_next);
    advance(59 * seconds);
    EXPECT_EQ(state_of(socket), TcpState::time_wait);
    advance(1 * seconds);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    socket->close();
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    // Gone: the port answers with a reset now.
    ack_from_peer(our_next + 1);
    Sent reset = take();
    EXPECT_EQ(reset.header().flags, tcp_flag::rst);
    EXPECT_EQ(reset.header().sequence, our_next + 1);
}

TEST_F(TcpClose, NewSynReopensATimeWaitConnection) {
    TcpSocket* socket = open_passive();
    socket->close();
    take();
    deliver(tcp_flag::fin | tcp_flag::ack, peer_next, our_next + 1); // TIME_WAIT
    peer_next += 1;
    take();
    listener = layer.create_socket();
    listener->options().reuse_address = true;
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(4));
    // An old duplicate SYN is only acknowledged; a new one (higher sequence) is accepted.
    deliver(tcp_flag::syn, peer_next - 5, 0);
    EXPECT_EQ(take().header().flags, tcp_flag::ack);
    deliver(tcp_flag::syn, peer_next + 100'000, 0);
    Sent syn_ack = take();
    EXPECT_EQ(syn_ack.header().flags, tcp_flag::syn | tcp_flag::ack);
    EXPECT_EQ(syn_ack.header().acknowledgment, peer_next + 100'001);
    listener->close();
}

TEST_F(TcpClose, PassiveCloseThroughCloseWaitAndLastAck) {
    TcpSocket* socket = open_passive();
    send_from_peer("", tcp_flag::fin);
    EXPECT_EQ(take().header().acknowledgment, peer_next); // a FIN is acknowledged at once
    EXPECT_EQ(state_of(socket), TcpState::close_wait);
    uint32_t events = socket->poll_events();
    EXPECT_NE(events & in, 0u);
    EXPECT_NE(events & read_hang_up, 0u);
    EXPECT_NE(events & out, 0u); // the other direction still works
    EXPECT_EQ(events & hang_up, 0u);
    EXPECT_EQ(kernel_test::value_of(socket->receive(nullptr, 0, false)), 0u);
    EXPECT_EQ(send_now(socket, "late reply"), "late reply");
    ASSERT_OK(socket->shutdown(false, true));
    Sent fin = take();
    EXPECT_TRUE(fin.has(tcp_flag::fin));
    EXPECT_EQ(fin.header().sequence, our_next);
    EXPECT_EQ(state_of(socket), TcpState::last_ack);
    EXPECT_NE(socket->poll_events() & hang_up, 0u);
    ack_from_peer(our_next + 1);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), 0);
    socket->close();
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
}

TEST_F(TcpClose, SimultaneousCloseGoesThroughClosing) {
    TcpSocket* socket = open_passive();
    ASSERT_OK(socket->shutdown(false, true));
    EXPECT_TRUE(take().has(tcp_flag::fin));
    // The peer's FIN crosses ours: it does not acknowledge our FIN yet.
    send_from_peer("", tcp_flag::fin);
    EXPECT_EQ(take().header().acknowledgment, peer_next);
    EXPECT_EQ(state_of(socket), TcpState::closing);
    ack_from_peer(our_next + 1);
    EXPECT_EQ(state_of(socket), TcpState::time_wait);
    advance(60 * seconds);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    socket->close();
}

TEST_F(TcpClose, FinAndAckOfOurFinTogether) {
    TcpSocket* socket = open_passive();
    ASSERT_OK(socket->shutdown(false, true));
    take();
    deliver(tcp_flag::fin | tcp_flag::ack, peer_next, our_next + 1);
    peer_next += 1;
    EXPECT_EQ(take().header().acknowledgment, peer_next);
    EXPECT_EQ(state_of(socket), TcpState::time_wait);
    socket->close();
}

TEST_F(TcpClose, ClosedSocketFinishesInTheBackgroundAndIsFreed) {
    TcpSocket* socket = open_passive();
    EXPECT_EQ(send_now(socket, "last words"), "last words");
    socket->close(); // the FIN follows the data at once (Nagle never holds a FIN)
    Sent fin = take();
    EXPECT_TRUE(fin.has(tcp_flag::fin));
    EXPECT_EQ(fin.header().sequence, our_next);
    // Lost data is still retransmitted for the closed socket.
    advance(200 * ms);
    EXPECT_EQ(take().payload(), "last words");
    ack_from_peer(our_next + 1);
    // FIN_WAIT_2 of an orphan ends after 60 s even when the peer never closes.
    EXPECT_NE(layer.next_deadline_ns(), 0u);
    advance(60 * seconds);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    ack_from_peer(our_next + 1);
    EXPECT_TRUE(take().has(tcp_flag::rst));
}

TEST_F(TcpClose, CloseWithUnreadDataResets) {
    TcpSocket* socket = open_passive();
    send_from_peer("never read");
    socket->close();
    Sent reset = take();
    EXPECT_TRUE(reset.has(tcp_flag::rst));
    EXPECT_EQ(reset.header().sequence, our_next);
    EXPECT_EQ(layer.statistics().resets_sent, 1u);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
}

TEST_F(TcpClose, CloseWithUnreadDataResetsInFinWait2Too) {
    TcpSocket* socket = open_passive();
    ASSERT_OK(socket->shutdown(false, true));
    take();
    ack_from_peer(our_next + 1);
    send_from_peer("unread");
    socket->close();
    EXPECT_TRUE(take().has(tcp_flag::rst));
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
}

TEST_F(TcpClose, DataAfterCloseIsAnsweredWithReset) {
    TcpSocket* socket = open_passive();
    socket->close();
    EXPECT_TRUE(take().has(tcp_flag::fin));
    send_from_peer("too late");
    EXPECT_TRUE(take().has(tcp_flag::rst));
}

TEST_F(TcpClose, ResetAtTheExpectedSequenceEndsTheConnection) {
    TcpSocket* socket = open_passive();
    deliver(tcp_flag::rst, peer_next, 0);
    expect_nothing_sent();
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(layer.statistics().resets_received, 1u);
    uint32_t events = socket->poll_events();
    EXPECT_NE(events & error, 0u);
    EXPECT_NE(events & hang_up, 0u);
    EXPECT_NE(events & in, 0u);
    EXPECT_ERRNO(socket->receive(nullptr, 0, false), ECONNRESET);
    EXPECT_ERRNO(socket->send("x", 1), EPIPE);
    socket->close();
}

TEST_F(TcpClose, ResetInsideTheWindowGetsAChallengeAck) {
    TcpSocket* socket = open_passive();
    deliver(tcp_flag::rst, peer_next + 100, 0);
    Sent challenge = take();
    EXPECT_EQ(challenge.header().flags, tcp_flag::ack);
    EXPECT_EQ(challenge.header().sequence, our_next);
    EXPECT_EQ(challenge.header().acknowledgment, peer_next);
    EXPECT_EQ(state_of(socket), TcpState::established);
    EXPECT_EQ(layer.statistics().resets_received, 0u);
    socket->close();
}

TEST_F(TcpClose, ChallengeAcksAreRateLimited) {
    TcpSocket* socket = open_passive();
    for (uint32_t index = 0; index < 300; ++index)
        deliver(tcp_flag::rst, peer_next + 1 + index, 0);
    EXPECT_EQ(ip.sent.size(), 100u);
    EXPECT_EQ(layer.statistics().challenge_acks_sent, 100u);
    EXPECT_EQ(layer.statistics().challenge_acks_skipped, 200u);
    ip.sent.clear();
    advance(1 * seconds);
    deliver(tcp_flag::rst, peer_next + 1, 0);
    EXPECT_EQ(take().header().flags, tcp_flag::ack);
    EXPECT_EQ(state_of(socket), TcpState::established);
    socket->close();
}

TEST_F(TcpClose, ResetOutsideTheWindowIsDroppedAndCounted) {
    TcpSocket* socket = open_passive();
    deliver(tcp_flag::rst, peer_next + 1'000'000, 0);
    deliver(tcp_flag::rst, peer_next - 10, 0);
    expect_nothing_sent();
    EXPECT_EQ(state_of(socket), TcpState::established);
    EXPECT_EQ(layer.statistics().dropped_out_of_window, 2u);
    socket->close();
}

TEST_F(TcpClose, SynOnAnEstablishedConnectionGetsAChallengeAck) {
    TcpSocket* socket = open_passive();
    deliver(tcp_flag::syn, peer_next + 5, 0);
    Sent challenge = take();
    EXPECT_EQ(challenge.header().flags, tcp_flag::ack);
    EXPECT_EQ(challenge.header().acknowledgment, peer_next);
    EXPECT_EQ(state_of(socket), TcpState::established);
    socket->close();
}

TEST_F(TcpClose, AckOfUnsentDataIsAnsweredAndIgnored) {
    TcpSocket* socket = open_passive();
    ack_from_peer(our_next + 5000);
    Sent answer = take();
    EXPECT_EQ(answer.header().acknowledgment, peer_next);
    EXPECT_EQ(answer.header().sequence, our_next);
    EXPECT_EQ(state_of(socket), TcpState::established);
    socket->close();
}

TEST_F(TcpClose, ClosingAListenerResetsItsPendingConnections) {
    listener = layer.create_socket();
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(4));
    deliver(tcp_flag::syn, 1000, 0);
    Sent syn_ack = take();
    deliver(tcp_flag::ack, 1001, syn_ack.header().sequence + 1);
    listener->close();
    Sent reset = take();
    EXPECT_TRUE(reset.has(tcp_flag::rst));
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    deliver(tcp_flag::syn, 5000, 0);
    EXPECT_TRUE(take().has(tcp_flag::rst)); // nobody listens any more
}

} // namespace

namespace {

using namespace tcp_test;

using TcpUndelivered = TcpHarness;

// What an exiting program waits for (net::finish_output): its data and its FIN acknowledged.
TEST_F(TcpUndelivered, DataAndFinCountUntilAcknowledged) {
    TcpSocket* socket = open_passive();
    EXPECT_FALSE(layer.has_undelivered_output());
    ASSERT_EQ(kernel_test::value_of(socket->send("abc", 3)), 3u);
    take();
    EXPECT_TRUE(layer.has_undelivered_output());
    ack_from_peer(our_next + 3);
    our_next += 3;
    EXPECT_FALSE(layer.has_undelivered_output());
    socket->close();
    take();
    EXPECT_TRUE(layer.has_undelivered_output()) << "the FIN is not acknowledged yet";
    ack_from_peer(our_next + 1);
    EXPECT_FALSE(layer.has_undelivered_output());
}

} // namespace
