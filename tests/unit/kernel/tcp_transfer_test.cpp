#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;

using TcpTransfer = TcpHarness;

TcpOptions mss_option(uint16_t mss, bool sack = false) {
    TcpOptions options;
    options.has_mss = true;
    options.mss = mss;
    options.sack_permitted = sack;
    return options;
}

TEST_F(TcpTransfer, DelayedAckWaitsFortyMillisecondsOrTwoSegments) {
    TcpSocket* socket = open_passive(mss_option(536));
    send_from_peer(pattern(100));
    expect_nothing_sent();
    EXPECT_EQ(socket->readable_bytes(), 100u);
    EXPECT_NE(socket->poll_events() & kernel::poll_event::in, 0u);
    advance(39 * ms);
    expect_nothing_sent();
    advance(1 * ms);
    Sent ack = take();
    EXPECT_EQ(ack.header().acknowledgment, peer_next);
    EXPECT_EQ(ack.payload(), "");

    send_from_peer(pattern(536, 1));
    expect_nothing_sent();
    send_from_peer(pattern(536, 2));
    EXPECT_EQ(take().header().acknowledgment, peer_next); // the second segment: at once
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    EXPECT_EQ(read_all(socket), pattern(100) + pattern(536, 1) + pattern(536, 2));
    EXPECT_ERRNO(socket->receive(nullptr, 0, false), EAGAIN);
    socket->close();
}

TEST_F(TcpTransfer, PeekLeavesDataInPlace) {
    TcpSocket* socket = open_passive();
    send_from_peer("hello");
    char buffer[8] = {};
    EXPECT_EQ(kernel_test::value_of(socket->receive(buffer, 3, true)), 3u);
    EXPECT_EQ(std::string(buffer, 3), "hel");
    EXPECT_EQ(socket->readable_bytes(), 5u);
    EXPECT_EQ(kernel_test::value_of(socket->receive(buffer, 8, false)), 5u);
    EXPECT_EQ(std::string(buffer, 5), "hello");
    EXPECT_EQ(socket->readable_bytes(), 0u);
}

TEST_F(TcpTransfer, NagleHoldsSmallSegmentsWhileDataIsUnacknowledged) {
    TcpSocket* socket = open_passive(mss_option(1000));
    EXPECT_EQ(send_now(socket, "first"), "first");
    EXPECT_EQ(send_now(socket, "second"), "");
    EXPECT_EQ(send_now(socket, "third"), "");
    ack_from_peer(our_next);
    Sent held = take();
    EXPECT_EQ(held.payload(), "secondthird"); // coalesced while waiting
    our_next += 11;

    socket->options().no_delay = true;
    socket->options_changed();
    EXPECT_EQ(send_now(socket, "a"), "a");
    EXPECT_EQ(send_now(socket, "b"), "b");
    socket->close();
}

TEST_F(TcpTransfer, NoDelayReleasesWhatNagleHeld) {
    TcpSocket* socket = open_passive(mss_option(1000));
    EXPECT_EQ(send_now(socket, "first"), "first");
    EXPECT_EQ(send_now(socket, "second"), "");
    socket->options().no_delay = true;
    socket->options_changed();
    EXPECT_EQ(take().payload(), "second");
}

TEST_F(TcpTransfer, RetransmissionTimeoutBacksOffExponentially) {
    TcpSocket* socket = open_passive(mss_option(1000));
    uint32_t start = our_next;
    EXPECT_EQ(send_now(socket, "data"), "data");
    // The handshake measured an RTT of 0, so the RTO is the 200 ms floor, then doubles.
    uint64_t expected_gaps[] = {200 * ms, 400 * ms, 800 * ms, 1600 * ms};
    for (uint64_t gap : expected_gaps) {
        advance(gap - 1 * ms);
        expect_nothing_sent();
        advance(1 * ms);
        Sent again = take();
        EXPECT_EQ(again.header().sequence, start);
        EXPECT_EQ(again.payload(), "data");
    }
    EXPECT_EQ(layer.statistics().retransmitted, 4u);
    ack_from_peer(our_next);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    // A new acknowledgment ends the backoff.
    EXPECT_EQ(send_now(socket, "more"), "more");
    advance(200 * ms);
    EXPECT_EQ(take().payload(), "more");
    socket->close();
}

TEST_F(TcpTransfer, GivesUpAfterTheRetryLimit) {
    TcpSocket* socket = open_passive(mss_option(1000));
    send_now(socket, "data");
    run_until_idle(3600 * seconds);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), kernel::ETIMEDOUT);
    EXPECT_EQ(layer.statistics().retransmitted, 15u);
    EXPECT_TRUE(ip.sent.back().has(tcp_flag::rst));
    socket->close();
}

TEST_F(TcpTransfer, FastRetransmitOnThreeDuplicateAcksThenNewRenoRecovery) {
    TcpSocket* socket = open_passive(mss_option(1000));
    socket->options().no_delay = true;
    uint32_t base = our_next;
    // The initial window is 10 segments of the peer's 1000-byte MSS.
    std::string sent = send_now(socket, pattern(12000));
    EXPECT_EQ(sent.size(), 10000u);
    ack_from_peer(base + 1000); // slow start opens the window by one segment: 2 more go
    EXPECT_EQ(take().header().sequence, base + 10000);
    EXPECT_EQ(take().header().sequence, base + 11000);
    our_next = base + 12000;
    expect_nothing_sent();
    ack_from_peer(base + 1000);
    ack_from_peer(base + 1000);
    expect_nothing_sent();
    ack_from_peer(base + 1000);
    Sent retransmitted = take();
    EXPECT_EQ(retransmitted.header().sequence, base + 1000);
    EXPECT_EQ(retransmitted.payload(), pattern(12000).substr(1000, 1000));
    EXPECT_EQ(layer.statistics().retransmitted, 1u);
    // A partial acknowledgment keeps recovery going: the next hole goes at once.
    ack_from_peer(base + 5000);
    Sent next_hole = take();
    EXPECT_EQ(next_hole.header().sequence, base + 5000);
    ack_from_peer(base + 12000);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpTransfer, SackedRecoveryResendsEveryHoleWithoutWaitingARoundTrip) {
    TcpSocket* socket = open_passive(mss_option(1000, true));
    socket->options().no_delay = true;
    uint32_t base = our_next;
    EXPECT_EQ(send_now(socket, pattern(10000)).size(), 10000u);
    // Segments 0 and 4 were lost: each later arrival brings a duplicate ACK with SACK blocks.
    auto duplicate_with = [&](std::vector<SackBlock> blocks) {
        TcpOptions options;
        options.sack_block_count = static_cast<uint8_t>(blocks.size());
        for (size_t index = 0; index < blocks.size(); ++index)
            options.sack_blocks[index] = blocks[index];
        deliver(tcp_flag::ack, peer_next, base, {}, options);
    };
    duplicate_with({{base + 1000, base + 2000}});
    duplicate_with({{base + 1000, base + 3000}});
    expect_nothing_sent();
    duplicate_with({{base + 1000, base + 4000}});
    EXPECT_EQ(take().header().sequence, base); // fast retransmit of the first hole
    duplicate_with({{base + 5000, base + 6000}, {base + 1000, base + 4000}});
    Sent second_hole = take(); // and at once the next one, below data the peer holds
    EXPECT_EQ(second_hole.header().sequence, base + 4000);
    EXPECT_EQ(second_hole.payload(), pattern(10000).substr(4000, 1000));
    duplicate_with({{base + 5000, base + 7000}, {base + 1000, base + 4000}});
    expect_nothing_sent(); // no hole left below what was SACKed
    EXPECT_EQ(layer.statistics().retransmitted, 2u);
    ack_from_peer(base + 10000);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpTransfer, OutOfOrderDataIsAcknowledgedWithSackBlocks) {
    TcpSocket* socket = open_passive(mss_option(1000, true));
    uint32_t start = peer_next;
    std::string data = pattern(300);
    deliver(tcp_flag::ack, start + 100, our_next, data.substr(100, 100));
    Sent first = take();
    EXPECT_EQ(first.header().acknowledgment, start);
    ASSERT_EQ(first.header().options.sack_block_count, 1);
    EXPECT_EQ(first.header().options.sack_blocks[0].start, start + 100);
    EXPECT_EQ(first.header().options.sack_blocks[0].end, start + 200);
    EXPECT_EQ(socket->readable_bytes(), 0u);

    deliver(tcp_flag::ack, start + 250, our_next, data.substr(250, 50));
    Sent second = take();
    ASSERT_EQ(second.header().options.sack_block_count, 2);
    EXPECT_EQ(second.header().options.sack_blocks[0].start, start + 250); // latest first
    EXPECT_EQ(second.header().options.sack_blocks[1].start, start + 100);

    deliver(tcp_flag::ack, start, our_next, data.substr(0, 100));
    Sent third = take(); // filled a hole: acknowledged at once
    EXPECT_EQ(third.header().acknowledgment, start + 200);
    ASSERT_EQ(third.header().options.sack_block_count, 1);
    EXPECT_EQ(third.header().options.sack_blocks[0].start, start + 250);

    deliver(tcp_flag::ack, start + 200, our_next, data.substr(200, 50));
    Sent last = take();
    EXPECT_EQ(last.header().acknowledgment, start + 300);
    EXPECT_EQ(last.header().options.sack_block_count, 0);
    EXPECT_EQ(read_all(socket), data);
}

TEST_F(TcpTransfer, ZeroWindowIsProbedWithBackoffUntilItOpens) {
    TcpSocket* socket = open_passive(mss_option(1000));
    ack_from_peer(our_next, 0);
    EXPECT_EQ(send_now(socket, "waiting"), "");
    advance(199 * ms);
    expect_nothing_sent();
    advance(1 * ms);
    Sent probe = take();
    EXPECT_EQ(probe.header().sequence, our_next - 1);
    EXPECT_EQ(probe.payload(), "");
    advance(399 * ms);
    expect_nothing_sent();
    advance(1 * ms);
    EXPECT_EQ(take().header().sequence, our_next - 1);
    ack_from_peer(our_next, 0); // still closed: probing goes on
    advance(800 * ms);
    EXPECT_EQ(take().payload(), "");
    ack_from_peer(our_next, 1000);
    Sent data = take();
    EXPECT_EQ(data.payload(), "waiting");
    EXPECT_EQ(data.header().sequence, our_next);
    socket->close();
}

TEST_F(TcpTransfer, ReceiverAdvertisesZeroWindowAndReopensAfterReading) {
    TcpSocket* socket = open_passive(mss_option(1000), 2000);
    send_from_peer(pattern(1000));
    send_from_peer(pattern(1000, 1));
    Sent full = take();
    EXPECT_EQ(full.header().acknowledgment, peer_next);
    EXPECT_EQ(full.header().window, 0);
    // A zero-window probe is answered with the (still zero) window.
    deliver(tcp_flag::ack, peer_next - 1, our_next);
    EXPECT_EQ(take().header().window, 0);
    // Data past the closed window is dropped and acknowledged.
    send_from_peer("x");
    peer_next -= 1;
    EXPECT_EQ(take().header().acknowledgment, peer_next);
    EXPECT_GE(layer.statistics().dropped_out_of_window, 2u);

    char buffer[600];
    ASSERT_EQ(kernel_test::value_of(socket->receive(buffer, 600, false)), 600u);
    expect_nothing_sent(); // 600 bytes is less than half the buffer: silly window avoidance
    ASSERT_EQ(kernel_test::value_of(socket->receive(buffer, 600, false)), 600u);
    Sent update = take();
    EXPECT_EQ(update.header().window, 1200);
    socket->close();
}

TEST_F(TcpTransfer, SendBufferBoundsWhatIsAccepted) {
    TcpSocket* socket = open_passive(mss_option(1000));
    socket->options().send_buffer = 4000;
    ack_from_peer(our_next, 0);
    std::string data = pattern(10000);
    EXPECT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), 4000u);
    EXPECT_ERRNO(socket->send(data.data(), data.size()), EAGAIN);
    EXPECT_EQ(socket->poll_events() & kernel::poll_event::out, 0u);
    socket->close();
}

TEST_F(TcpTransfer, KeepAliveProbesAnIdleConnectionThenGivesUp) {
    TcpSocket* socket = open_passive();
    socket->options().keep_alive = true;
    socket->options_changed();
    advance(7199 * seconds);
    expect_nothing_sent();
    advance(1 * seconds);
    Sent probe = take();
    EXPECT_EQ(probe.header().sequence, our_next - 1);
    ack_from_peer(our_next); // the peer lives: the idle time starts over
    advance(75 * seconds);
    expect_nothing_sent();
    run_until_idle(7200 * seconds + 10 * 75 * seconds);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), kernel::ETIMEDOUT);
    socket->close();
}

} // namespace
