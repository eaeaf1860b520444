#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;

using TcpLinger = TcpHarness;
using TcpKeepAlive = TcpHarness;

TEST_F(TcpLinger, ZeroTimeoutResetsAndDiscardsWithoutTimeWait) {
    TcpSocket* socket = open_passive();
    socket->options().receive_buffer = 128 * 1024;
    ack_from_peer(our_next, 0); // a closed window: what is sent next stays queued
    ASSERT_EQ(kernel_test::value_of(socket->send("queued", 6)), 6u);
    ip.sent.clear();
    socket->options().linger = true;
    socket->options().linger_seconds = 0;
    socket->options_changed();
    socket->close();
    Sent reset = take();
    EXPECT_EQ(reset.header().flags, tcp_flag::rst | tcp_flag::ack);
    EXPECT_EQ(reset.payload(), "");
    expect_nothing_sent();
    EXPECT_EQ(layer.next_deadline_ns(), 0u); // no TIME_WAIT, no persist timer: freed
    ack_from_peer(our_next, 65535);
    EXPECT_EQ(take().header().flags, tcp_flag::rst); // the port knows it no more
}

TEST_F(TcpLinger, ZeroTimeoutInTimeWaitEndsItWithoutReset) {
    TcpSocket* socket = open_passive();
    ASSERT_OK(socket->shutdown(false, true));
    take();
    deliver(tcp_flag::fin | tcp_flag::ack, peer_next, our_next + 1);
    take();
    ASSERT_EQ(state_of(socket), TcpState::time_wait);
    socket->options().linger = true;
    socket->close();
    expect_nothing_sent();
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
}

TEST_F(TcpLinger, WithATimeoutCloseStaysGraceful) {
    TcpSocket* socket = open_passive();
    socket->options().linger = true;
    socket->options().linger_seconds = 5;
    EXPECT_EQ(send_now(socket, "last words"), "last words");
    EXPECT_TRUE(socket->has_undelivered_output());
    socket->close();
    Sent fin = take();
    EXPECT_EQ(fin.header().flags, tcp_flag::fin | tcp_flag::ack);
}

TEST_F(TcpLinger, UndeliveredOutputEndsWhenTheFinIsAcknowledged) {
    TcpSocket* socket = open_passive();
    EXPECT_FALSE(socket->has_undelivered_output());
    send_now(socket, "data");
    EXPECT_TRUE(socket->has_undelivered_output());
    ack_from_peer(our_next);
    EXPECT_FALSE(socket->has_undelivered_output());
    ASSERT_OK(socket->shutdown(false, true));
    take();
    EXPECT_TRUE(socket->has_undelivered_output());
    ack_from_peer(our_next + 1);
    EXPECT_FALSE(socket->has_undelivered_output());
    socket->close();
}

TEST_F(TcpKeepAlive, IdleIntervalAndCountAreTheSocketsOwn) {
    TcpSocket* socket = open_passive();
    socket->options().keep_alive = true;
    socket->options().keep_idle_seconds = 10;
    socket->options().keep_interval_seconds = 2;
    socket->options().keep_count = 3;
    socket->options_changed();
    advance_in_steps(9 * seconds, 100 * ms);
    expect_nothing_sent();
    advance_in_steps(1 * seconds, 100 * ms);
    EXPECT_EQ(take().header().sequence, our_next - 1);
    expect_nothing_sent();
    for (int probe = 2; probe <= 3; ++probe) {
        advance_in_steps(2 * seconds, 100 * ms);
        EXPECT_EQ(take().header().sequence, our_next - 1) << probe;
        expect_nothing_sent();
    }
    EXPECT_EQ(state_of(socket), TcpState::established);
    advance_in_steps(2 * seconds, 100 * ms); // the third probe went unanswered
    EXPECT_TRUE(take().has(tcp_flag::rst));
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), kernel::ETIMEDOUT);
    socket->close();
}

TEST_F(TcpKeepAlive, AnAnswerStartsTheIdleTimeOver) {
    TcpSocket* socket = open_passive();
    socket->options().keep_alive = true;
    socket->options().keep_idle_seconds = 30;
    socket->options().keep_interval_seconds = 1;
    socket->options().keep_count = 1;
    socket->options_changed();
    advance_in_steps(30 * seconds, 1 * seconds);
    take();
    ack_from_peer(our_next);
    advance_in_steps(29 * seconds, 1 * seconds);
    expect_nothing_sent();
    EXPECT_EQ(state_of(socket), TcpState::established);
    advance_in_steps(1 * seconds, 1 * seconds);
    take();
    socket->close();
}

} // namespace

namespace {

using namespace tcp_test;

using TcpUserTimeout = TcpHarness;

TEST_F(TcpUserTimeout, UnacknowledgedDataGivesUpAfterTheUserTimeout) {
    TcpSocket* socket = open_passive();
    socket->options().user_timeout_ms = 3000;
    socket->options_changed();
    send_now(socket, "hello");
    // Retransmissions back off; the first due 3 s after the data went out gives up.
    advance_in_steps(2900 * ms, 100 * ms);
    EXPECT_EQ(state_of(socket), TcpState::established);
    advance_in_steps(200 * ms, 100 * ms);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), kernel::ETIMEDOUT);
    socket->close();
}

TEST_F(TcpUserTimeout, WithoutItTheRetryCountRules) {
    TcpSocket* socket = open_passive();
    send_now(socket, "hello");
    advance_in_steps(60 * seconds, 100 * ms);
    EXPECT_EQ(state_of(socket), TcpState::established);
    socket->close();
}

} // namespace
