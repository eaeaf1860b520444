#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;

using TcpInputValidation = TcpHarness;

TEST_F(TcpInputValidation, SynToAClosedPortIsReset) {
    deliver(tcp_flag::syn, 4000, 0);
    Sent reset = take();
    EXPECT_EQ(reset.header().flags, tcp_flag::rst | tcp_flag::ack);
    EXPECT_EQ(reset.header().sequence, 0u);
    EXPECT_EQ(reset.header().acknowledgment, 4001u);
    EXPECT_EQ(reset.header().source_port, local_port);
    EXPECT_EQ(reset.header().destination_port, peer_port);
    EXPECT_EQ(reset.destination, peer);
    EXPECT_EQ(layer.statistics().resets_sent, 1u);
}

TEST_F(TcpInputValidation, AckToAClosedPortIsResetAtItsAckNumber) {
    deliver(tcp_flag::ack, 4000, 123456, "data");
    Sent reset = take();
    EXPECT_EQ(reset.header().flags, tcp_flag::rst);
    EXPECT_EQ(reset.header().sequence, 123456u);
}

TEST_F(TcpInputValidation, ResetToAClosedPortIsIgnored) {
    deliver(tcp_flag::rst, 4000, 0);
    expect_nothing_sent();
}

TEST_F(TcpInputValidation, FullSynQueueAnswersWithCookies) {
    listener = layer.create_socket();
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(2));
    for (uint16_t port = 50000; port < 50010; ++port) {
        peer_port = port;
        deliver(tcp_flag::syn, 1000, 0);
    }
    EXPECT_EQ(ip.sent.size(), 10u);
    EXPECT_EQ(layer.statistics().syn_cookies_sent, 8u);
    EXPECT_EQ(layer.statistics().syn_dropped_backlog_full, 0u);
    ip.sent.clear();

    // Finishing one handshake moves it to the accept queue; accept frees a place.
    peer_port = 50000;
    Sent retransmitted_syn_ack;
    advance(1 * seconds); // both SYN-ACKs are retransmitted
    ASSERT_EQ(ip.sent.size(), 2u);
    retransmitted_syn_ack = take();
    ip.sent.clear();
    peer_port = retransmitted_syn_ack.header().destination_port;
    deliver(tcp_flag::ack, 1001, retransmitted_syn_ack.header().sequence + 1);
    auto accepted = listener->accept();
    ASSERT_FALSE(accepted.is_error());
    EXPECT_EQ(kernel_test::value_of(accepted.value()->remote_endpoint()).port, peer_port);
    peer_port = 50020;
    deliver(tcp_flag::syn, 1000, 0);
    EXPECT_TRUE(take().has(tcp_flag::syn | tcp_flag::ack));
    EXPECT_EQ(layer.statistics().syn_cookies_sent, 8u); // a place in the SYN queue again
    accepted.value()->close();
    listener->close();
}

TEST_F(TcpInputValidation, SynFloodCostsABoundedAmountAndExpires) {
    listener = layer.create_socket();
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(64));
    for (uint32_t index = 0; index < 5000; ++index) {
        peer = Ipv4Address{Ipv4Address::from_octets(10, 1, 0, 0).value + index};
        peer_port = static_cast<uint16_t>(1024 + index);
        deliver(tcp_flag::syn, index, 0);
    }
    EXPECT_EQ(layer.statistics().syn_cookies_sent, 5000u - 64u);
    // Half-open connections give up after their SYN-ACK retries.
    run_until_idle(600 * seconds);
    EXPECT_EQ(layer.next_deadline_ns(), 0u);
    ip.sent.clear();
    peer_port = 9;
    deliver(tcp_flag::syn, 1, 0);
    EXPECT_TRUE(take().has(tcp_flag::syn | tcp_flag::ack)); // room again
    listener->close();
}

TEST_F(TcpInputValidation, BadChecksumIsDroppedAndCounted) {
    TcpHeader header;
    header.source_port = peer_port;
    header.destination_port = local_port;
    header.flags = tcp_flag::syn;
    std::vector<uint8_t> segment = build_segment(peer, us(), header, "abc");
    segment.back() ^= 1;
    deliver_raw(segment);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().dropped_bad_checksum, 1u);
    // A device that verified the checksum already is believed.
    layer.receive(peer, us(), segment.data(), segment.size(), true);
    EXPECT_TRUE(take().has(tcp_flag::rst));
}

TEST_F(TcpInputValidation, OffloadedChecksumLeavesThePseudoHeaderSum) {
    ip.offload = true;
    deliver(tcp_flag::syn, 4000, 0);
    Sent reset = take();
    EXPECT_TRUE(reset.offloaded);
    // The field holds the folded pseudo-header sum; the device adds the segment's own sum.
    ChecksumAccumulator pseudo = tcp_checksum_start(reset.source, reset.destination,
                                                    static_cast<uint16_t>(reset.bytes.size()));
    uint16_t field = static_cast<uint16_t>((reset.bytes[16] << 8) | reset.bytes[17]);
    EXPECT_EQ(field, pseudo.folded());
    // Completing it as the device would gives a valid segment.
    ChecksumAccumulator device;
    device.add(reset.bytes.data(), reset.bytes.size());
    uint16_t completed = device.checksum();
    reset.bytes[16] = static_cast<uint8_t>(completed >> 8);
    reset.bytes[17] = static_cast<uint8_t>(completed);
    EXPECT_TRUE(tcp_checksum_valid(reset.source, reset.destination, reset.bytes.data(),
                                   reset.bytes.size()));
}

TEST_F(TcpInputValidation, MalformedHeadersAreDroppedAndCounted) {
    TcpHeader header;
    header.source_port = peer_port;
    header.destination_port = local_port;
    header.flags = tcp_flag::syn;
    header.options.has_mss = true;
    header.options.mss = 1000;

    auto with_checksum = [&](std::vector<uint8_t> bytes) {
        bytes[16] = bytes[17] = 0;
        ChecksumAccumulator sum =
            tcp_checksum_start(peer, us(), static_cast<uint16_t>(bytes.size()));
        sum.add(bytes.data(), bytes.size());
        bytes[16] = static_cast<uint8_t>(sum.checksum() >> 8);
        bytes[17] = static_cast<uint8_t>(sum.checksum());
        return bytes;
    };
    std::vector<uint8_t> good = build_segment(peer, us(), header);
    ASSERT_EQ(good.size(), 24u);

    std::vector<uint8_t> small_offset = good;
    small_offset[12] = 4 << 4; // a header shorter than 20 bytes
    deliver_raw(with_checksum(small_offset));
    std::vector<uint8_t> long_offset = good;
    long_offset[12] = 7 << 4; // 28 bytes of header in a 24-byte segment
    deliver_raw(with_checksum(long_offset));
    std::vector<uint8_t> truncated_option = good;
    truncated_option[21] = 8; // the MSS option claims to run past the header
    deliver_raw(with_checksum(truncated_option));
    std::vector<uint8_t> wrong_length = good;
    wrong_length[21] = 3; // an MSS option must be 4 bytes
    deliver_raw(with_checksum(wrong_length));
    std::vector<uint8_t> runt(good.begin(), good.begin() + 12);
    deliver_raw(runt);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().dropped_malformed, 5u);
    EXPECT_EQ(layer.statistics().dropped_bad_checksum, 0u);

    deliver_raw(good);
    EXPECT_TRUE(take().has(tcp_flag::rst)); // the well-formed original still gets its answer
}

TEST_F(TcpInputValidation, OutOfWindowDataIsDroppedCountedAndAcknowledged) {
    TcpSocket* socket = open_passive();
    deliver(tcp_flag::ack, peer_next + 200'000, our_next, "far ahead");
    deliver(tcp_flag::ack, peer_next - 100, our_next, "old");
    EXPECT_EQ(take().header().acknowledgment, peer_next);
    EXPECT_EQ(take().header().acknowledgment, peer_next);
    EXPECT_EQ(layer.statistics().dropped_out_of_window, 2u);
    EXPECT_EQ(socket->readable_bytes(), 0u);
    // A retransmission overlapping what was received keeps only the new bytes.
    send_from_peer("abc");
    deliver(tcp_flag::ack, peer_next - 3, our_next, "abcdef");
    peer_next += 3;
    EXPECT_EQ(read_all(socket), "abcdef");
    socket->close();
}

TEST_F(TcpInputValidation, StaleTimestampsAreRejected) {
    TcpOptions syn_options;
    syn_options.has_timestamps = true;
    syn_options.timestamp_value = 1000;
    TcpSocket* socket = open_passive(syn_options);
    send_from_peer("fresh");
    TcpOptions old;
    old.has_timestamps = true;
    old.timestamp_value = 10; // from before the connection's latest segment
    deliver(tcp_flag::ack, peer_next, our_next, "stale", old);
    EXPECT_EQ(socket->readable_bytes(), 5u);
    EXPECT_EQ(layer.statistics().dropped_out_of_window, 1u);
    socket->close();
}

TEST_F(TcpInputValidation, IcmpErrorEndsAHandshake) {
    TcpSocket* socket = layer.create_socket();
    EXPECT_ERRNO(socket->connect({peer, 80}), EINPROGRESS);
    Sent syn = take();
    std::vector<uint8_t> quoted(syn.bytes.begin(), syn.bytes.begin() + 8);
    layer.receive_icmp_error(peer, quoted.data(), quoted.size(), kernel::EHOSTUNREACH, 0);
    EXPECT_EQ(state_of(socket), TcpState::closed);
    EXPECT_EQ(socket->take_error(), kernel::EHOSTUNREACH);
    socket->close();
}

TEST_F(TcpInputValidation, IdleConnectionsStayCheap) {
    // A connection without data holds no buffer chunk: its object is all it costs, and it
    // fits the heap's 1360-byte size class, three to a page (with the heap's 16-byte header).
    // Raise the bound only with a reason.
    EXPECT_LE(sizeof(TcpConnection) + 16, 1360u);
}

} // namespace
