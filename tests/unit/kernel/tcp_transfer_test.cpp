#include "kernel/tcp_harness.h"
#include "net/tcp/sequence.h"

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
    EXPECT_EQ(layer.statistics().reno_recoveries, 1u);
    EXPECT_EQ(layer.statistics().sack_recoveries, 0u);
    // A partial acknowledgment keeps recovery going: the next hole goes at once.
    ack_from_peer(base + 5000);
    Sent next_hole = take();
    EXPECT_EQ(next_hole.header().sequence, base + 5000);
    ack_from_peer(base + 12000);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

class TcpRecovery : public TcpHarness {
protected:
    // A connection with SACK whose round trip has been measured at 10 ms.
    TcpSocket* open_with_sack(bool with_timestamps = false) {
        TcpOptions options = mss_option(1000, true);
        if (with_timestamps) {
            options.has_timestamps = true;
            options.timestamp_value = 100;
        }
        TcpSocket* socket = open_passive(options);
        socket->options().no_delay = true;
        // The MSS is 1000 less the 12 bytes of timestamps when they are on.
        segment = with_timestamps ? 988 : 1000;
        for (int round = 0; round < 8; ++round) {
            send_now(socket, pattern(segment, round));
            advance(10 * ms);
            ack_from_peer(our_next);
        }
        base = our_next;
        return socket;
    }
    void sack_ack(uint32_t ack, std::vector<SackBlock> blocks) {
        TcpOptions options = peer_options();
        options.sack_block_count = static_cast<uint8_t>(blocks.size());
        for (size_t index = 0; index < blocks.size(); ++index)
            options.sack_blocks[index] = blocks[index];
        deliver(tcp_flag::ack, peer_next, ack, {}, options);
    }
    // Segment `index` of the data sent from `base`: {start, end}.
    SackBlock seg(uint32_t first, uint32_t last) {
        return {base + first * segment, base + last * segment};
    }
    std::vector<uint32_t> take_sequences() {
        std::vector<uint32_t> sequences;
        while (!ip.sent.empty())
            sequences.push_back(take().header().sequence - base);
        return sequences;
    }
    uint32_t at(uint32_t index) const { return index * segment; }

    uint32_t base = 0;
    uint32_t segment = 1000;
};

TEST_F(TcpRecovery, ThreeSackedSegmentsMakeTheLossCertain) {
    TcpSocket* socket = open_with_sack();
    EXPECT_EQ(send_now(socket, pattern(10000)).size(), 10000u);
    advance(10 * ms);
    sack_ack(base, {seg(1, 2)});
    sack_ack(base, {seg(1, 3)});
    expect_nothing_sent(); // within the reordering window (RFC 8985 6.2)
    sack_ack(base, {seg(1, 4)});
    EXPECT_EQ(take_sequences(), std::vector<uint32_t>{0}); // DupThresh SACKed: no window
    EXPECT_EQ(layer.statistics().rack_losses, 1u);
    EXPECT_EQ(layer.statistics().sack_recoveries, 1u);
    ack_from_peer(base + 10000);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpRecovery, ReorderingWithinTheWindowResendsNothing) {
    TcpSocket* socket = open_with_sack();
    EXPECT_EQ(send_now(socket, pattern(10000)).size(), 10000u);
    advance(10 * ms);
    sack_ack(base, {seg(1, 2)});
    EXPECT_NE(layer.next_deadline_ns(), 0u);
    advance(1 * ms); // a quarter of the 10 ms minimum RTT is allowed
    expect_nothing_sent();
    ack_from_peer(base + at(2)); // the first segment arrives late
    advance_in_steps(5 * ms, 1 * ms);
    ack_from_peer(base + 10000);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().retransmitted, 0u);
    EXPECT_EQ(layer.statistics().rack_losses, 0u);
    socket->close();
}

TEST_F(TcpRecovery, ReorderingBeyondTheWindowResendsWhenTheReorderTimerFires) {
    TcpSocket* socket = open_with_sack();
    EXPECT_EQ(send_now(socket, pattern(10000)).size(), 10000u);
    advance(10 * ms);
    sack_ack(base, {seg(1, 2)});
    advance(2 * ms);
    expect_nothing_sent();
    advance(1 * ms); // 10 ms + 2.5 ms after it was sent: the reorder timer
    EXPECT_EQ(take_sequences(), std::vector<uint32_t>{0});
    EXPECT_EQ(layer.statistics().rack_losses, 1u);
    ack_from_peer(base + 10000);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpRecovery, LostRetransmissionIsFoundWithoutATimeout) {
    TcpSocket* socket = open_with_sack();
    // The window has grown to 18 segments in slow start; ten more wait.
    EXPECT_EQ(send_now(socket, pattern(28000)).size(), 18000u);
    advance(10 * ms);
    sack_ack(base, {seg(1, 2)});
    sack_ack(base, {seg(1, 3)});
    // RFC 6675: what the peer holds left the pipe, so new data takes its place.
    EXPECT_EQ(take_sequences(), (std::vector<uint32_t>{at(18), at(19)}));
    sack_ack(base, {seg(1, 4)});
    EXPECT_EQ(take_sequences(), std::vector<uint32_t>{0});
    // PRR (RFC 6937): half a segment may go per segment delivered, towards half the window.
    sack_ack(base, {seg(1, 5)});
    sack_ack(base, {seg(1, 6)});
    expect_nothing_sent();
    sack_ack(base, {seg(1, 7)});
    EXPECT_EQ(take_sequences(), std::vector<uint32_t>{at(20)});
    // Ten milliseconds on, what was sent after the retransmission arrived and it did not.
    advance(10 * ms);
    sack_ack(base, {seg(1, 21)});
    std::vector<uint32_t> sent = take_sequences();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(sent[0], 0u); // resent again at once, no RTO
    EXPECT_EQ(layer.statistics().rack_losses, 2u);
    for (uint32_t sequence : sent)
        EXPECT_TRUE(sequence == 0 || sequence >= at(21)) << sequence; // no SACKed byte resent
    socket->close();
}

TEST_F(TcpRecovery, LostTailIsRepairedByAProbeWithoutATimeout) {
    TcpSocket* socket = open_with_sack();
    EXPECT_EQ(send_now(socket, pattern(5000)).size(), 5000u);
    advance(10 * ms);
    ack_from_peer(base + at(3)); // the last two segments were lost
    uint64_t acked_at = FakeWorld::now;
    advance_in_steps(100 * ms, 1 * ms);
    EXPECT_EQ(layer.statistics().tail_loss_probes, 1u);
    std::vector<uint32_t> probe = take_sequences();
    EXPECT_EQ(probe, std::vector<uint32_t>{at(4)}); // the last segment, well before the RTO
    EXPECT_LT(FakeWorld::now - acked_at, 200 * ms);
    // Its SACK shows the segment before it lost: resent at once.
    sack_ack(base + at(3), {seg(4, 5)});
    EXPECT_EQ(take_sequences(), std::vector<uint32_t>{at(3)});
    ack_from_peer(base + 5000);
    EXPECT_EQ(layer.statistics().retransmitted, 2u);
    socket->close();
}

TEST_F(TcpRecovery, ScoreboardIsKeptAcrossATimeout) {
    TcpSocket* socket = open_with_sack();
    EXPECT_EQ(send_now(socket, pattern(10000)).size(), 10000u);
    advance(10 * ms);
    sack_ack(base, {seg(2, 6)});
    take_sequences(); // segments 0 and 1 deemed lost, resent; those are lost too
    advance_in_steps(1 * seconds, 10 * ms);
    std::vector<uint32_t> after_timeout = take_sequences();
    ASSERT_FALSE(after_timeout.empty());
    EXPECT_EQ(after_timeout[0], 0u); // from a window of one segment
    // The window reopens in slow start; the SACKed segments 2-5 are never resent.
    std::vector<uint32_t> sent;
    for (uint32_t ack : {at(1), at(6), at(8)}) {
        ack_from_peer(base + ack);
        for (uint32_t sequence : take_sequences())
            sent.push_back(sequence);
    }
    EXPECT_EQ(sent.front(), at(1));
    EXPECT_EQ(sent.back(), at(9));
    ack_from_peer(base + 10000);
    for (uint32_t sequence : sent)
        EXPECT_TRUE(sequence < at(2) || sequence >= at(6)) << sequence;
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpRecovery, HostileSackBlocksAreCountedAndIgnored) {
    TcpSocket* socket = open_with_sack();
    EXPECT_EQ(send_now(socket, pattern(10000)).size(), 10000u);
    advance(10 * ms);
    sack_ack(base, {{base + 5000, base + 4000},
                    {base + 9000, base + 90000},
                    {base + 0x40000000, base + 0x40001000},
                    {base - 500, base + 1500}});
    sack_ack(base, {{base + 5000, base + 4000}, {base + 9000, base + 90000}});
    EXPECT_EQ(layer.statistics().sack_blocks_ignored, 6u);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().rack_losses, 0u);
    ack_from_peer(base + 10000);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    socket->close();
}

TEST_F(TcpRecovery, SpuriousTimeoutIsUndoneByItsTimestamps) {
    TcpSocket* socket = open_with_sack(true);
    uint32_t original_timestamp = 0;
    ASSERT_TRUE(ip.sent.empty());
    EXPECT_EQ(kernel_test::value_of(socket->send(pattern(4 * segment).data(), 4 * segment)),
              4 * segment);
    for (Sent& sent : ip.sent)
        original_timestamp = sent.header().options.timestamp_value;
    take_sequences();
    our_next += 4 * segment;
    // The ACKs are only late: a probe, then timeouts (the second keeps the first's threshold
    // and what undo restores, RFC 5681 3.1).
    advance_in_steps(700 * ms, 10 * ms);
    EXPECT_EQ(layer.statistics().tail_loss_probes, 1u);
    EXPECT_EQ(take_sequences(), (std::vector<uint32_t>{at(3), 0, 0}));
    EXPECT_EQ(layer.statistics().spurious_undos, 0u);
    // The late ACK echoes the original transmission's timestamp (RFC 3522).
    TcpOptions options = peer_options();
    options.timestamp_echo = original_timestamp;
    deliver(tcp_flag::ack, peer_next, base + at(4), {}, options);
    EXPECT_EQ(layer.statistics().spurious_undos, 1u);
    // The window is back: ten segments and more go at once, not two.
    EXPECT_GE(send_now(socket, pattern(20000)).size() / segment, 10u);
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

TEST_F(TcpTransfer, DataReceivedTwiceIsReportedWithADuplicateSack) {
    TcpSocket* socket = open_passive(mss_option(1000, true));
    uint32_t start = peer_next;
    std::string data = pattern(300);
    send_from_peer(data.substr(0, 200));
    advance(40 * ms); // the delayed ACK
    take();
    deliver(tcp_flag::ack, start + 250, our_next, data.substr(250, 50)); // out of order
    take();
    deliver(tcp_flag::ack, start + 100, our_next, data.substr(100, 100)); // a resend
    Sent ack = take();
    EXPECT_EQ(ack.header().acknowledgment, start + 200);
    ASSERT_EQ(ack.header().options.sack_block_count, 2);
    // RFC 2883: the duplicate first, then the out-of-order data.
    EXPECT_EQ(ack.header().options.sack_blocks[0].start, start + 100);
    EXPECT_EQ(ack.header().options.sack_blocks[0].end, start + 200);
    EXPECT_EQ(ack.header().options.sack_blocks[1].start, start + 250);
    ack_from_peer(our_next);
    EXPECT_EQ(ip.sent.size(), 0u);
    deliver(tcp_flag::ack, start + 200, our_next, data.substr(200, 50));
    EXPECT_EQ(take().header().options.sack_block_count, 0); // reported once only
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

// RFC 4821 segment by segment over a path that carries 1200-byte packets and drops larger ones
// without ICMP: the timeouts reveal the black hole, the MSS falls to the base size, and a probe
// of a larger size that is lost (the segments behind it SACKed) is resent cut to size without
// shrinking the window, as Linux's tcp_mtup_probe_failed() path.
TEST_F(TcpRecovery, BlackHoleThenALostProbeCostsNoWindow) {
    TcpSocket* socket = open_passive(mss_option(1460, true));
    socket->options().no_delay = true;
    for (int round = 0; round < 4; ++round) {
        send_now(socket, pattern(1460, round));
        advance(10 * ms);
        ack_from_peer(our_next);
    }
    // Ten full segments vanish, and so do their probe and first retransmission.
    uint32_t lost_from = our_next;
    EXPECT_EQ(send_now(socket, pattern(10 * 1460)).size(), 10u * 1460);
    size_t largest_after = 0;
    for (int step = 0; step < 300 && layer.statistics().path_mtu_black_holes == 0; ++step) {
        advance(10 * ms);
        ip.sent.clear();
    }
    ASSERT_EQ(layer.statistics().path_mtu_black_holes, 1u);
    // What goes from now on fits 1200 bytes; the peer takes it all.
    uint32_t acked = lost_from;
    for (int step = 0; step < 300 && acked != our_next; ++step) {
        while (!ip.sent.empty()) {
            Sent sent = take();
            largest_after = std::max(largest_after, sent.payload().size());
            if (sent.header().sequence == acked)
                acked += static_cast<uint32_t>(sent.payload().size());
        }
        ack_from_peer(acked);
        advance(10 * ms);
    }
    ASSERT_EQ(acked, our_next);
    EXPECT_EQ(largest_after, 1160u); // 1200 less the IPv4 and TCP headers
    // Rounds of new data until a probe goes: a single segment above the MSS.
    bool probed = false;
    uint32_t high = our_next; // the end of what was sent
    auto note_sent = [&](const Sent& sent) {
        uint32_t end = sent.header().sequence + static_cast<uint32_t>(sent.payload().size());
        if (sequence_greater(end, high))
            high = end;
    };
    for (int round = 0; round < 20 && !probed; ++round) {
        ASSERT_OK(socket->send(pattern(8 * 1160, round).data(), 8 * 1160));
        std::vector<Sent> flight;
        while (!ip.sent.empty()) {
            flight.push_back(take());
            note_sent(flight.back());
        }
        LinuxTcpInfo before{};
        socket->get_info(before);
        for (size_t index = 0; index < flight.size(); ++index) {
            if (flight[index].payload().size() <= 1160)
                continue;
            probed = true;
            EXPECT_EQ(flight[index].payload().size(), 1350u - 40);
            EXPECT_EQ(layer.statistics().path_mtu_probes, 1u);
            // The probe vanishes; the three segments behind it are SACKed.
            ASSERT_GE(flight.size(), index + 4);
            uint32_t probe_start = flight[index].header().sequence;
            uint32_t after = probe_start + static_cast<uint32_t>(flight[index].payload().size());
            sack_ack(probe_start,
                     {{after, flight[index + 3].header().sequence +
                                  static_cast<uint32_t>(flight[index + 3].payload().size())}});
            Sent resent = take();
            note_sent(resent);
            EXPECT_EQ(resent.header().sequence, probe_start);
            EXPECT_EQ(resent.payload().size(), 1160u) << "cut to the size that passes";
            EXPECT_EQ(layer.statistics().path_mtu_probes_failed, 1u);
            LinuxTcpInfo after_loss{};
            socket->get_info(after_loss);
            EXPECT_GE(after_loss.snd_cwnd, before.snd_cwnd) << "no congestion response";
            EXPECT_EQ(after_loss.snd_mss, 1160u);
            break;
        }
        // The rest arrives, and so does whatever the ACKs release.
        for (int step = 0; step < 50; ++step) {
            while (!ip.sent.empty())
                note_sent(take());
            advance(10 * ms);
            ack_from_peer(high);
            if (ip.sent.empty())
                break;
        }
    }
    EXPECT_TRUE(probed);
    socket->close();
}
