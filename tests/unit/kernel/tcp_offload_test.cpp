// TCP over a device that segments (TSO) and coalesces (GRO), and path-MTU discovery (RFC 1191).
#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;

class TcpOffload : public TcpHarness {
protected:
    static TcpOptions mss_option(uint16_t mss) {
        TcpOptions options;
        options.has_mss = true;
        options.mss = mss;
        return options;
    }
    // The first 8 bytes of our segment, as an ICMP error quotes it.
    static std::vector<uint8_t> quote(const Sent& segment) {
        return {segment.bytes.begin(), segment.bytes.begin() + 8};
    }
    static std::vector<uint8_t> quote_sequence(const Sent& segment, uint32_t sequence) {
        std::vector<uint8_t> quoted = quote(segment);
        for (int i = 0; i < 4; ++i)
            quoted[4 + i] = static_cast<uint8_t>(sequence >> (24 - 8 * i));
        return quoted;
    }
    void frag_needed(const std::vector<uint8_t>& quoted, size_t mtu) {
        layer.receive_icmp_error(peer, quoted.data(), quoted.size(), kernel::EMSGSIZE, mtu);
    }
    std::vector<Sent> take_all() {
        std::vector<Sent> all;
        while (!ip.sent.empty())
            all.push_back(take());
        return all;
    }
};

TEST_F(TcpOffload, WithTsoOneSegmentCarriesTheWholeCongestionWindow) {
    ip.offload = true;
    ip.segmentation_limit = 65535;
    TcpSocket* socket = open_passive(mss_option(1460));
    std::string data = pattern(100000);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    // The initial window of ten segments (RFC 6928) leaves as one, for the device to cut.
    auto sent = take_all();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].payload(), data.substr(0, 10 * 1460));
    EXPECT_EQ(sent[0].segment_size, 1460);
    EXPECT_TRUE(sent[0].dont_fragment);
    our_next += 10 * 1460;
    ack_from_peer(our_next);
    sent = take_all();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].payload().size() % 1460, 0u) << "cut at whole segments";
    EXPECT_GT(sent[0].payload().size(), 10u * 1460);
    EXPECT_EQ(sent[0].header().sequence, our_next);
    socket->close();
}

TEST_F(TcpOffload, NoSegmentEverExceedsSixtyFourKilobytes) {
    ip.offload = true;
    ip.segmentation_limit = 65535;
    TcpSocket* socket = open_passive(mss_option(1460));
    socket->options().send_buffer = 1 << 20;
    std::string data = pattern(400000);
    size_t accepted = kernel_test::value_of(socket->send(data.data(), data.size()));
    ASSERT_GT(accepted, 3u * 65535);
    // Acknowledged a segment at a time, the congestion window grows past 64 KiB.
    uint32_t sent_end = our_next;
    uint32_t acked = our_next;
    for (int ack = 0; ack < 60; ++ack) {
        for (const Sent& segment : take_all()) {
            EXPECT_LE(segment.payload().size(), 44u * 1460);
            sent_end = std::max(sent_end, segment.header().sequence +
                                              static_cast<uint32_t>(segment.payload().size()));
        }
        if (acked == sent_end)
            break;
        acked = std::min(acked + 1460, sent_end);
        ack_from_peer(acked);
    }
    for (const Sent& segment : take_all())
        sent_end = segment.header().sequence + static_cast<uint32_t>(segment.payload().size());
    ack_from_peer(sent_end);
    Sent largest = take();
    EXPECT_EQ(largest.payload().size(), 44u * 1460)
        << "65535 less the IP and the longest TCP header, in whole segments";
    EXPECT_EQ(largest.segment_size, 1460);
    socket->close();
}

TEST_F(TcpOffload, WithoutTsoSegmentsAreMssSized) {
    ip.offload = true; // checksums only
    TcpSocket* socket = open_passive(mss_option(1460));
    std::string data = pattern(100000);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    auto sent = take_all();
    ASSERT_EQ(sent.size(), 10u);
    for (const Sent& segment : sent) {
        EXPECT_EQ(segment.payload().size(), 1460u);
        EXPECT_EQ(segment.segment_size, 0);
        EXPECT_TRUE(segment.dont_fragment);
    }
    socket->close();
}

TEST_F(TcpOffload, UnderTsoNagleHoldsOnlyTheSmallTail) {
    ip.offload = true;
    ip.segmentation_limit = 65535;
    TcpSocket* socket = open_passive(mss_option(1460));
    EXPECT_EQ(send_now(socket, "first"), "first");
    std::string data = pattern(3000);
    EXPECT_EQ(send_now(socket, data), data.substr(0, 2 * 1460));
    ack_from_peer(our_next);
    EXPECT_EQ(take().payload(), data.substr(2 * 1460));
    socket->close();
}

TEST_F(TcpOffload, CoalescedSegmentIsAcknowledgedAtOnce) {
    TcpSocket* socket = open_passive(mss_option(1460));
    // One segment as the host's GRO hands it over: several of the peer's segments in one.
    send_from_peer(pattern(4 * 1460));
    Sent ack = take();
    EXPECT_EQ(ack.header().acknowledgment, peer_next);
    // A small one still waits for the delayed-ACK timer or a second one.
    send_from_peer(pattern(100));
    expect_nothing_sent();
    EXPECT_EQ(read_all(socket), pattern(4 * 1460) + pattern(100));
    socket->close();
}

TEST_F(TcpOffload, FragmentationNeededLowersTheMssAndResendsAtTheNewSize) {
    TcpSocket* socket = open_passive(mss_option(1460));
    EXPECT_EQ(kernel_test::value_of(socket->path_mtu()), 1500u) << "IP_MTU: the interface's";
    std::string data = pattern(2 * 1460);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    auto sent = take_all();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_TRUE(sent[0].dont_fragment);
    frag_needed(quote(sent[1]), 1000);
    EXPECT_EQ(layer.statistics().path_mtu_reductions, 1u);
    EXPECT_EQ(kernel_test::value_of(socket->path_mtu()), 1000u);
    EXPECT_EQ(ip.path_mtu4, 1000u) << "the IP layer learned it, for the other sockets";
    // Everything in flight goes again in segments that fit 1000 bytes with their headers,
    // the small tail held by Nagle as usual.
    auto resent = take_all();
    ASSERT_EQ(resent.size(), 3u);
    for (size_t i = 0; i < resent.size(); ++i) {
        EXPECT_EQ(resent[i].header().sequence, our_next + 960 * i);
        EXPECT_EQ(resent[i].payload(), data.substr(960 * i, 960));
    }
    EXPECT_EQ(layer.statistics().retransmitted, 3u);
    // A report of a larger MTU never raises it again.
    frag_needed(quote(resent[0]), 1400);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().path_mtu_reductions, 1u);
    EXPECT_EQ(kernel_test::value_of(socket->path_mtu()), 1000u);
    socket->close();
}

// The IP layer's estimate went down ("fragmentation needed" that a UDP socket heard): the
// connection's segments follow it at once, as Linux's follow the route's MTU, while the MSS
// it announces stays the link's (RFC 1191 3.1).
TEST_F(TcpOffload, APathTheIpLayerLearnedElsewhereResizesTheSegments) {
    TcpSocket* socket = open_passive(mss_option(1460));
    ip.path_mtu4 = 1000;
    std::string data = pattern(3 * 960);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    auto sent = take_all();
    ASSERT_EQ(sent.size(), 3u);
    for (const Sent& segment : sent) {
        EXPECT_EQ(segment.payload().size(), 960u);
        EXPECT_TRUE(segment.dont_fragment);
    }
    LinuxTcpInfo info{};
    socket->get_info(info);
    EXPECT_EQ(info.snd_mss, 960u);
    EXPECT_EQ(info.advmss, 1460u);
    socket->close();
}

TEST_F(TcpOffload, FragmentationNeededQuotingAnotherSequenceIsIgnoredAndCounted) {
    TcpSocket* socket = open_passive(mss_option(1460));
    std::string data = pattern(1460);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    Sent first = take();
    // Beyond what we sent, and before what is unacknowledged (RFC 5927 4.1).
    frag_needed(quote_sequence(first, our_next + 100000), 576);
    frag_needed(quote_sequence(first, our_next - 1), 576);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().icmp_out_of_window, 2u);
    EXPECT_EQ(layer.statistics().path_mtu_reductions, 0u);
    // Segments keep their size.
    our_next += 1460;
    ack_from_peer(our_next);
    EXPECT_EQ(send_now(socket, pattern(1460, 1)).size(), 1460u);
    socket->close();
}

TEST_F(TcpOffload, AReportBelowTheFloorUsesTheFloorWithoutDf) {
    TcpSocket* socket = open_passive(mss_option(1460));
    std::string data = pattern(1460);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    Sent first = take();
    frag_needed(quote(first), 68);
    auto resent = take_all();
    ASSERT_EQ(resent.size(), 2u);
    EXPECT_EQ(resent[0].payload(), data.substr(0, 552 - 40));
    EXPECT_FALSE(resent[0].dont_fragment) << "the path fragments what the floor cannot fit";
    socket->close();
}

TEST_F(TcpOffload, ANewConnectionToALockedPathSendsWithoutDf) {
    ip.learn_path_mtu(peer.v4(), 68); // another socket heard the path is below the floor
    TcpSocket* socket = open_passive(mss_option(1460));
    std::string data = pattern(100);
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    auto sent = take_all();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].payload(), data);
    EXPECT_FALSE(sent[0].dont_fragment);
    socket->close();
}

} // namespace
