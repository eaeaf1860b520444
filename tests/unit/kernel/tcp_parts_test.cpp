#include "kernel/tcp_test_support.h"

#include "net/tcp/chunked_buffer.h"
#include "net/tcp/congestion_control.h"
#include "net/tcp/fast_recovery.h"
#include "net/tcp/proportional_rate_reduction.h"
#include "net/tcp/rack.h"
#include "net/tcp/reassembly_queue.h"
#include "net/tcp/rtt_estimator.h"
#include "net/tcp/sack_scoreboard.h"
#include "net/tcp/sequence.h"

namespace {

using namespace tcp_test;

TEST(TcpSequence, ComparesAcrossTheWrap) {
    EXPECT_TRUE(sequence_less(0xfffffff0u, 0x10u));
    EXPECT_TRUE(sequence_greater(0x10u, 0xfffffff0u));
    EXPECT_TRUE(sequence_less_equal(5u, 5u));
    EXPECT_FALSE(sequence_less(5u, 5u));
    EXPECT_EQ(sequence_max(0xffffff00u, 0x100u), 0x100u);
    EXPECT_TRUE(sequence_in_range(0x2u, 0xfffffffeu, 0x10u));
    EXPECT_FALSE(sequence_in_range(0x10u, 0xfffffffeu, 0x10u));
}

TEST(TcpHeader, BuildsAndParsesEveryOption) {
    TcpHeader header;
    header.source_port = 1234;
    header.destination_port = 80;
    header.sequence = 0xdeadbeef;
    header.acknowledgment = 0x01020304;
    header.flags = tcp_flag::syn | tcp_flag::ack;
    header.window = 4321;
    header.options.has_mss = true;
    header.options.mss = 1460;
    header.options.has_window_scale = true;
    header.options.window_scale = 7;
    header.options.sack_permitted = true;
    header.options.has_timestamps = true;
    header.options.timestamp_value = 111;
    header.options.timestamp_echo = 222;
    uint8_t bytes[tcp_maximum_header + 3];
    size_t length = build_tcp_header(header, bytes);
    EXPECT_EQ(length, 40u);
    memcpy(bytes + length, "xyz", 3);
    TcpSegment segment;
    ASSERT_TRUE(parse_tcp_segment(bytes, length + 3, segment));
    const TcpHeader& parsed = segment.header;
    EXPECT_EQ(parsed.source_port, 1234);
    EXPECT_EQ(parsed.destination_port, 80);
    EXPECT_EQ(parsed.sequence, 0xdeadbeefu);
    EXPECT_EQ(parsed.acknowledgment, 0x01020304u);
    EXPECT_EQ(parsed.flags, tcp_flag::syn | tcp_flag::ack);
    EXPECT_EQ(parsed.window, 4321);
    EXPECT_EQ(parsed.options.mss, 1460);
    EXPECT_EQ(parsed.options.window_scale, 7);
    EXPECT_TRUE(parsed.options.sack_permitted);
    EXPECT_EQ(parsed.options.timestamp_value, 111u);
    EXPECT_EQ(parsed.options.timestamp_echo, 222u);
    EXPECT_EQ(segment.payload_length, 3u);
    EXPECT_EQ(segment.sequence_length(), 4u); // SYN counts one
}

TEST(TcpHeader, SackBlocksAreCutToTheRoomLeft) {
    TcpHeader header;
    header.flags = tcp_flag::ack;
    header.options.has_timestamps = true;
    header.options.sack_block_count = 4;
    for (uint32_t block = 0; block < 4; ++block)
        header.options.sack_blocks[block] = {block * 100, block * 100 + 50};
    uint8_t bytes[tcp_maximum_header];
    size_t length = build_tcp_header(header, bytes);
    EXPECT_LE(length, tcp_maximum_header);
    TcpSegment segment;
    ASSERT_TRUE(parse_tcp_segment(bytes, length, segment));
    EXPECT_EQ(segment.header.options.sack_block_count, 3); // 12 bytes of timestamps leave 3
    EXPECT_EQ(segment.header.options.sack_blocks[2].start, 200u);
    EXPECT_EQ(segment.header.options.sack_blocks[2].end, 250u);

    header.options.has_timestamps = false;
    length = build_tcp_header(header, bytes);
    ASSERT_TRUE(parse_tcp_segment(bytes, length, segment));
    EXPECT_EQ(segment.header.options.sack_block_count, 4);
}

TEST(TcpHeader, UnknownOptionsAreSkippedAndBadOnesRejected) {
    uint8_t bytes[28] = {};
    bytes[12] = 7 << 4;
    bytes[20] = 30; // an unknown kind with a length of 4
    bytes[21] = 4;
    bytes[24] = 2; // MSS 0x0102
    bytes[25] = 4;
    bytes[26] = 1;
    bytes[27] = 2;
    TcpSegment segment;
    ASSERT_TRUE(parse_tcp_segment(bytes, sizeof bytes, segment));
    EXPECT_EQ(segment.header.options.mss, 0x0102);
    bytes[21] = 1; // a length below 2 would never advance
    EXPECT_FALSE(parse_tcp_segment(bytes, sizeof bytes, segment));
    bytes[21] = 4;
    bytes[25] = 0;
    EXPECT_FALSE(parse_tcp_segment(bytes, sizeof bytes, segment));
    bytes[24] = 5; // SACK with a length that is not 2 + 8n
    bytes[25] = 4;
    EXPECT_FALSE(parse_tcp_segment(bytes, sizeof bytes, segment));
}

TEST(TcpChecksum, MatchesAKnownSegmentAndAnySplit) {
    // A SYN from 192.0.2.1:1024 to 192.0.2.2:80, checksum worked out by hand.
    Ipv4Address source = Ipv4Address::from_octets(192, 0, 2, 1);
    Ipv4Address destination = Ipv4Address::from_octets(192, 0, 2, 2);
    TcpHeader header;
    header.source_port = 1024;
    header.destination_port = 80;
    header.sequence = 1;
    header.flags = tcp_flag::syn;
    header.window = 1024;
    std::vector<uint8_t> segment = build_segment(source, destination, header);
    // Words: c000+0201+c000+0202+0006+0014 (pseudo header) + 0400+0050+0000+0001+0000+0000
    // +5002+0400 = 0x1dc70, folded 0xdc71, complemented 0x238e.
    EXPECT_EQ(segment[16], 0x23);
    EXPECT_EQ(segment[17], 0x8e);
    EXPECT_TRUE(tcp_checksum_valid(source, destination, segment.data(), segment.size()));

    std::string payload = pattern(101);
    std::vector<uint8_t> with_data = build_segment(source, destination, header, payload);
    for (size_t split = 0; split < with_data.size(); split += 7) {
        ChecksumAccumulator pieces =
            tcp_checksum_start(source, destination, static_cast<uint16_t>(with_data.size()));
        pieces.add(with_data.data(), split);
        pieces.add(with_data.data() + split, 1);
        pieces.add(with_data.data() + split + 1, with_data.size() - split - 1);
        EXPECT_EQ(pieces.folded(), 0xffff) << "split at " << split;
    }
    with_data[30] ^= 0x40;
    EXPECT_FALSE(tcp_checksum_valid(source, destination, with_data.data(), with_data.size()));
}

TEST(TcpChunkedBuffer, AppendsCopiesDescribesAndConsumesAcrossChunks) {
    ChunkedBuffer buffer;
    std::string data = pattern(3 * ChunkedBuffer::chunk_capacity + 17);
    EXPECT_EQ(buffer.append(data.data(), 1000), 1000u);
    EXPECT_EQ(buffer.append(data.data() + 1000, data.size() - 1000), data.size() - 1000);
    EXPECT_EQ(buffer.size(), data.size());
    std::string out(data.size(), '\0');
    EXPECT_EQ(buffer.copy_out(0, out.data(), out.size()), data.size());
    EXPECT_EQ(out, data);

    TransmitFragment pieces[4];
    size_t covered = 0;
    size_t offset = ChunkedBuffer::chunk_capacity - 10;
    size_t count = buffer.describe(offset, 100, pieces, 4, covered);
    ASSERT_EQ(count, 2u);
    EXPECT_EQ(covered, 100u);
    EXPECT_EQ(pieces[0].length, 10u);
    std::string described(static_cast<const char*>(pieces[0].data), 10);
    described.append(static_cast<const char*>(pieces[1].data), 90);
    EXPECT_EQ(described, data.substr(offset, 100));

    buffer.consume(ChunkedBuffer::chunk_capacity + 5);
    std::string rest(buffer.size(), '\0');
    buffer.copy_out(0, rest.data(), rest.size());
    EXPECT_EQ(rest, data.substr(ChunkedBuffer::chunk_capacity + 5));
    EXPECT_EQ(buffer.append("tail", 4), 4u);
    buffer.consume(buffer.size() - 4);
    char tail[4];
    EXPECT_EQ(buffer.copy_out(0, tail, 4), 4u);
    EXPECT_EQ(std::string(tail, 4), "tail");
    buffer.consume(4);
    EXPECT_TRUE(buffer.is_empty());
    EXPECT_EQ(buffer.copy_out(0, tail, 4), 0u);
}

TEST(TcpReassemblyQueue, KeepsOnlyNewBytesAndDrainsInOrder) {
    ReassemblyQueue queue;
    std::string data = pattern(100);
    auto insert = [&](uint32_t start, uint32_t length) {
        return queue.insert(0xfffffff0u + start,
                            reinterpret_cast<const uint8_t*>(data.data()) + start, length, 1000);
    };
    EXPECT_TRUE(insert(40, 20));
    EXPECT_TRUE(insert(70, 10));
    EXPECT_TRUE(insert(30, 60)); // overlaps both: only the gaps are added
    EXPECT_EQ(queue.bytes(), 60u);
    SackBlock blocks[4];
    ASSERT_EQ(queue.sack_blocks(blocks, 4), 1u);
    EXPECT_EQ(blocks[0].start, 0xfffffff0u + 30);
    EXPECT_EQ(blocks[0].end, 0xfffffff0u + 90);

    ChunkedBuffer out;
    EXPECT_EQ(queue.drain(0xfffffff0u + 20, out), 0u); // a hole at 20..30 remains
    EXPECT_EQ(queue.drain(0xfffffff0u + 35, out), 55u);
    std::string drained(55, '\0');
    out.copy_out(0, drained.data(), 55);
    EXPECT_EQ(drained, data.substr(35, 55));
    EXPECT_TRUE(queue.is_empty());
    EXPECT_FALSE(queue.insert(0, reinterpret_cast<const uint8_t*>(data.data()), 100, 50));
}

TEST(TcpReassemblyQueue, BoundsThePiecesAPeerCanMake) {
    ReassemblyQueue queue;
    uint8_t byte = 'x';
    size_t kept = 0;
    for (uint32_t index = 0; index < 1000; ++index)
        kept += queue.insert(index * 2, &byte, 1, 1 << 20) ? 1 : 0;
    EXPECT_EQ(kept, ReassemblyQueue::maximum_pieces);
    EXPECT_EQ(queue.bytes(), ReassemblyQueue::maximum_pieces);
    ChunkedBuffer out;
    EXPECT_EQ(queue.drain(0, out), 1u);
    EXPECT_TRUE(queue.insert(5000, &byte, 1, 1 << 20)); // draining made room
}

// Records every delivery the scoreboard reports.
struct Deliveries : DeliveryObserver {
    void delivered(const SentSegment& segment) override { ends.push_back(segment.end); }
    std::vector<uint32_t> ends;
};

// Ten 1000-byte segments from 0, sent 1 ms apart.
void send_ten(SackScoreboard& board) {
    for (uint32_t index = 0; index < 10; ++index)
        ASSERT_TRUE(board.record_sent(index * 1000, (index + 1) * 1000, 1000, index * ms));
}

TEST(TcpSackScoreboard, MarksWholeSegmentsAndCountsThePipe) {
    SackScoreboard board;
    Deliveries seen;
    send_ten(board);
    EXPECT_EQ(board.pipe(), 10000u);
    SackBlock blocks[] = {{3000, 5000}, {6500, 8000}}; // the second covers one whole segment
    SackOutcome outcome = board.add(blocks, 2, 0, 10000, seen);
    EXPECT_EQ(outcome.newly_sacked, 3000u);
    EXPECT_EQ(outcome.ignored_blocks, 0u);
    EXPECT_EQ(seen.ends, (std::vector<uint32_t>{4000, 5000, 8000}));
    EXPECT_EQ(board.sacked_segments(), 3u);
    EXPECT_EQ(board.pipe(), 7000u);
    board.mark_lost(0);
    EXPECT_EQ(board.pipe(), 6000u); // RFC 6675: lost and not resent leaves the pipe
    EXPECT_EQ(board.next_lost(), 0u);
    board.record_retransmitted(0, 20 * ms);
    EXPECT_EQ(board.pipe(), 7000u); // its retransmission is in flight
    EXPECT_EQ(board.next_lost(), board.size());
    // The cumulative ACK delivers what was not SACKed before, once.
    seen.ends.clear();
    uint64_t first_sent = 0;
    EXPECT_EQ(board.acknowledge(5000, seen, first_sent), 3000u);
    EXPECT_EQ(first_sent, 1 * ms); // the oldest never resent: an RTT sample (Karn)
    EXPECT_EQ(seen.ends, (std::vector<uint32_t>{1000, 2000, 3000}));
    EXPECT_EQ(board.size(), 5u);
    EXPECT_EQ(board.pipe(), 4000u);
    EXPECT_EQ(board.acknowledge(10000, seen, first_sent), 4000u);
    EXPECT_EQ(first_sent, 5 * ms);
    EXPECT_TRUE(board.is_empty());
    EXPECT_EQ(board.pipe(), 0u);
}

TEST(TcpSackScoreboard, HostileBlocksAreIgnoredAndDuplicatesRecognised) {
    SackScoreboard board;
    Deliveries seen;
    send_ten(board);
    SackBlock hostile[] = {{5000, 4000}, {9000, 20000}, {0x80000000u, 0x80001000u}, {500, 1500}};
    SackOutcome outcome = board.add(hostile, 4, 1000, 10000, seen);
    // Backwards, beyond what was sent, far away, straddling the cumulative ACK.
    EXPECT_EQ(outcome.ignored_blocks, 4u);
    EXPECT_FALSE(outcome.duplicate);
    EXPECT_EQ(board.sacked_bytes(), 0u);
    // RFC 2883: a first block below the ACK, or inside the second, is a D-SACK.
    SackBlock below[] = {{0, 1000}};
    outcome = board.add(below, 1, 1000, 10000, seen);
    EXPECT_TRUE(outcome.duplicate);
    EXPECT_EQ(outcome.duplicate_end, 1000u);
    SackBlock inside[] = {{4000, 5000}, {3000, 6000}};
    outcome = board.add(inside, 2, 1000, 10000, seen);
    EXPECT_TRUE(outcome.duplicate);
    EXPECT_EQ(outcome.newly_sacked, 3000u);
    EXPECT_EQ(outcome.ignored_blocks, 0u);
}

TEST(TcpSackScoreboard, KeepsSackedDataAcrossATimeoutUntilThePeerReneges) {
    SackScoreboard board;
    Deliveries seen;
    send_ten(board);
    SackBlock blocks[] = {{2000, 4000}};
    board.add(blocks, 1, 0, 10000, seen);
    board.mark_all_lost(true); // a timeout: RFC 6675 5.1
    EXPECT_EQ(board.sacked_bytes(), 2000u);
    EXPECT_EQ(board.lost_bytes(), 8000u);
    EXPECT_EQ(board.pipe(), 0u);
    EXPECT_FALSE(board.reneged());
    uint64_t first_sent = 0;
    board.acknowledge(2000, seen, first_sent);
    EXPECT_TRUE(board.reneged()); // SND.UNA sits on SACKed data: the peer dropped it
    board.mark_all_lost(false);
    EXPECT_EQ(board.sacked_bytes(), 0u);
    EXPECT_EQ(board.next_lost(), 0u);
    EXPECT_EQ(board.at(0).start, 2000u);
}

TEST(TcpSackScoreboard, CapsItsRecordsAndSplitsForSmallerRetransmissions) {
    SackScoreboard board;
    uint32_t sequence = 0;
    while (board.record_sent(sequence, sequence + 1, 1000, 0))
        ++sequence;
    EXPECT_EQ(sequence, SackScoreboard::maximum_records);
    EXPECT_FALSE(board.can_record());
    board.clear();
    send_ten(board);
    board.mark_lost(2);
    ASSERT_TRUE(board.split(2, 2400));
    EXPECT_EQ(board.size(), 11u);
    EXPECT_EQ(board.at(2).end, 2400u);
    EXPECT_EQ(board.at(3).start, 2400u);
    EXPECT_EQ(board.lost_bytes(), 1000u);
    EXPECT_EQ(board.pipe(), 9000u);
}

TEST(TcpRack, DeemsLostWhatALaterDeliveryOvertookByMoreThanTheWindow) {
    SackScoreboard board;
    Rack rack;
    send_ten(board); // segment n sent at n ms
    // At 10 ms the ACK reports segment 3 delivered: segments 0-2 were sent before it.
    rack.begin_ack(10 * ms);
    SackBlock block[] = {{3000, 4000}};
    board.add(block, 1, 0, 10000, rack);
    EXPECT_EQ(rack.min_rtt_ns(), 7 * ms);
    uint64_t timeout = 0;
    // No reordering seen yet: a quarter of the minimum RTT (1.75 ms) of grace.
    EXPECT_EQ(rack.reorder_window_ns(0, false, 1), 7 * ms / 4);
    EXPECT_EQ(rack.detect_loss(board, 10 * ms, 0, false, timeout), 2u); // sent at 0 and 1 ms
    EXPECT_EQ(timeout, 2 * ms + 7 * ms + 7 * ms / 4 - 10 * ms);
    EXPECT_EQ(board.next_lost(), 0u);
    EXPECT_EQ(board.next_lost(1), 1u);
    EXPECT_EQ(board.next_lost(2), board.size());
    // Segment 2 arrives late: reordering seen; no loss, and the window stays.
    rack.begin_ack(11 * ms);
    SackBlock late[] = {{2000, 3000}, {3000, 4000}};
    board.add(late, 1, 0, 10000, rack);
    EXPECT_EQ(rack.reorder_window_ns(0, true, 5), 7 * ms / 4);
    // A retransmission that is lost again is found by time as well.
    board.record_retransmitted(0, 12 * ms);
    rack.begin_ack(30 * ms);
    SackBlock after[] = {{6000, 7000}}; // sent at 6 ms, before the retransmission
    board.add(after, 1, 0, 10000, rack);
    // Segment 4 went 2 ms before it, beyond the window; segment 5 within it.
    EXPECT_EQ(rack.detect_loss(board, 30 * ms, 0, true, timeout), 1u);
    EXPECT_EQ(board.next_lost(), 1u);
    EXPECT_EQ(board.next_lost(2), 4u);
    ASSERT_TRUE(board.record_sent(10000, 11000, 1000, 13 * ms));
    rack.begin_ack(40 * ms);
    SackBlock newer[] = {{10000, 11000}}; // sent after the retransmission
    board.add(newer, 1, 0, 11000, rack);
    rack.begin_ack(60 * ms);
    EXPECT_GE(rack.detect_loss(board, 60 * ms, 0, true, timeout), 1u);
    EXPECT_EQ(board.next_lost(), 0u); // the lost retransmission is due again
}

TEST(TcpRack, DuplicateSacksWidenTheWindowForSixteenRecoveries) {
    SackScoreboard board;
    Rack rack;
    send_ten(board);
    rack.begin_ack(20 * ms);
    SackBlock block[] = {{0, 1000}};
    board.add(block, 1, 0, 10000, rack); // min RTT 20 ms
    EXPECT_EQ(rack.reorder_window_ns(0, false, 0), 5 * ms);
    rack.on_duplicate_sack(1000, 10000);
    EXPECT_EQ(rack.reorder_window_ns(0, true, 5), 10 * ms);
    rack.on_duplicate_sack(1000, 10000); // the same round trip: once
    EXPECT_EQ(rack.reorder_window_ns(0, true, 5), 10 * ms);
    rack.on_duplicate_sack(10000, 20000);
    EXPECT_EQ(rack.reorder_window_ns(0, true, 5), 15 * ms);
    EXPECT_EQ(rack.reorder_window_ns(12 * ms, true, 5), 12 * ms); // never beyond SRTT
    for (int recovery = 0; recovery < 15; ++recovery)
        rack.on_recovery_end();
    EXPECT_EQ(rack.reorder_window_ns(0, true, 5), 15 * ms);
    rack.on_recovery_end();
    EXPECT_EQ(rack.reorder_window_ns(0, true, 5), 5 * ms);
}

TEST(TcpProportionalRateReduction, PacesTheWindowDownToTheThreshold) {
    ProportionalRateReduction prr;
    // RFC 6937 figure: 20 segments in flight, threshold 10, one lost.
    prr.start(20000, 10000);
    // The first ACK in recovery delivered one segment (SACKed); pipe 18 after the loss.
    EXPECT_EQ(prr.on_ack(1000, 18000, 1000), 19000u); // the fast retransmit goes at once
    prr.on_sent(1000);
    EXPECT_EQ(prr.on_ack(1000, 18000, 1000), 18000u); // 2 delivered: ceil(2*10/20)-1 = 0
    EXPECT_EQ(prr.on_ack(1000, 17000, 1000), 17500u); // 3 delivered: 1.5 - 1 segments
    prr.on_sent(1000);
    // Below the threshold, slow start back up, by at most one segment more than delivered.
    EXPECT_EQ(prr.on_ack(1000, 8000, 1000), 8000u + 2000u);
    prr.on_sent(2000);
    EXPECT_EQ(prr.on_ack(3000, 5000, 1000), 5000u + 4000u); // max(7 - 4, 3) + 1 segments
    EXPECT_EQ(prr.on_ack(0, 9500, 1000), 10000u);           // bounded by the threshold
}

TEST(TcpRttEstimator, FollowsRfc6298) {
    RttEstimator rtt;
    EXPECT_EQ(rtt.rto_ns(), 1'000'000'000u);
    rtt.add_sample(100 * ms); // SRTT 100, RTTVAR 50: RTO 300 ms
    EXPECT_EQ(rtt.rto_ns(), 300 * ms);
    rtt.add_sample(100 * ms); // RTTVAR 37.5: RTO 250 ms
    EXPECT_EQ(rtt.rto_ns(), 250 * ms);
    rtt.back_off();
    EXPECT_EQ(rtt.rto_ns(), 500 * ms);
    for (int step = 0; step < 20; ++step)
        rtt.back_off();
    EXPECT_EQ(rtt.rto_ns(), 60 * seconds);
    rtt.reset_backoff();
    for (int step = 0; step < 50; ++step)
        rtt.add_sample(1 * ms);
    EXPECT_EQ(rtt.rto_ns(), 200 * ms); // the floor
}

TEST(TcpCongestionControl, RenoSlowStartAvoidanceTimeoutAndUndo) {
    CongestionControl reno;
    reno.start(1000, CongestionAlgorithm::reno);
    EXPECT_EQ(reno.window(), 10000u); // RFC 6928
    reno.on_ack(1000, 10000, 0, 0);
    EXPECT_EQ(reno.window(), 11000u); // slow start: one segment per ACK
    reno.on_ack(5000, 11000, 0, 0);
    EXPECT_EQ(reno.window(), 16000u); // a stretch ACK counts every byte, as Linux's
    EXPECT_EQ(reno.on_congestion_event(12000, 0), 6000u);
    EXPECT_EQ(reno.window(), 16000u); // the recovery sets the window
    reno.set_window(6000);
    EXPECT_FALSE(reno.in_slow_start());
    for (int ack = 0; ack < 5; ++ack)
        reno.on_ack(1000, 6000, 0, 0);
    EXPECT_EQ(reno.window(), 6000u);
    reno.on_ack(1000, 6000, 0, 0);
    EXPECT_EQ(reno.window(), 7000u); // avoidance: one segment per window acknowledged
    reno.on_timeout(20000, 0);
    EXPECT_EQ(reno.window(), 1000u);
    EXPECT_EQ(reno.slow_start_threshold(), 10000u);
    reno.undo(); // the timeout was spurious
    EXPECT_EQ(reno.window(), 7000u);
    EXPECT_EQ(reno.slow_start_threshold(), 10000u);
    reno.undo(); // nothing left to undo
    EXPECT_EQ(reno.window(), 7000u);
    reno.on_ack(20000, 7000, 0, 0);
    EXPECT_EQ(reno.window(), 10000u); // slow start stops at the threshold
}

TEST(TcpFastRecovery, ThirdDuplicateStartsNewRenoRecovery) {
    CongestionControl congestion;
    congestion.start(1000, CongestionAlgorithm::reno);
    FastRecovery recovery;
    recovery.start(1000);
    EXPECT_FALSE(recovery.on_new_ack(congestion, 1000, 1000, 10000, 0, 0));
    EXPECT_EQ(congestion.window(), 11000u);
    EXPECT_FALSE(recovery.on_duplicate_ack(congestion, 10000, 12000, 2000, 0));
    EXPECT_FALSE(recovery.on_duplicate_ack(congestion, 10000, 12000, 2000, 0));
    EXPECT_TRUE(recovery.on_duplicate_ack(congestion, 10000, 12000, 2000, 0));
    EXPECT_TRUE(recovery.in_recovery());
    EXPECT_EQ(congestion.slow_start_threshold(), 5000u);
    EXPECT_EQ(congestion.window(), 8000u);
    recovery.on_duplicate_ack(congestion, 10000, 12000, 2000, 0);
    EXPECT_EQ(congestion.window(), 9000u); // inflated by each further duplicate
    EXPECT_TRUE(recovery.on_new_ack(congestion, 3000, 5000, 10000, 0, 0)); // partial
    EXPECT_TRUE(recovery.in_recovery());
    EXPECT_FALSE(recovery.on_new_ack(congestion, 7000, 12000, 7000, 0, 0)); // full
    EXPECT_FALSE(recovery.in_recovery());
    EXPECT_EQ(congestion.window(), 1000u + 1000u); // nothing left in flight: one segment beyond
    // RFC 6582 4.1: duplicates of data sent before the last timeout start no new recovery.
    congestion.on_timeout(20000, 0);
    recovery.on_timeout(30000);
    for (int duplicate = 0; duplicate < 3; ++duplicate)
        EXPECT_FALSE(recovery.on_duplicate_ack(congestion, 10000, 30000, 20000, 0));
    EXPECT_FALSE(recovery.in_recovery());
}

} // namespace
