// TCP Fast Open on the server side (RFC 7413): cookies for those who ask, SYN data taken at
// once for a valid cookie, the child ready for accept() and able to answer before the handshake
// ends, and everything else as without Fast Open.
#include "kernel/tcp_harness.h"

#include <cstring>

namespace {

using namespace tcp_test;

class TcpFastOpen : public TcpHarness {
protected:
    void listen(uint32_t fastopen_queue) {
        listener = layer.create_socket();
        listener->options().fastopen_queue = fastopen_queue;
        ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
        ASSERT_OK(listener->listen(16));
        local_port = server_port;
    }
    static TcpOptions with_cookie(const std::vector<uint8_t>& cookie) {
        TcpOptions options;
        options.has_mss = true;
        options.mss = 1460;
        options.has_fastopen = true;
        options.fastopen_cookie_length = static_cast<uint8_t>(cookie.size());
        std::copy(cookie.begin(), cookie.end(), options.fastopen_cookie);
        return options;
    }
    static std::vector<uint8_t> cookie_of(const Sent& syn_ack) {
        const TcpOptions& options = syn_ack.header().options;
        if (!options.has_fastopen)
            return {};
        return {options.fastopen_cookie, options.fastopen_cookie + options.fastopen_cookie_length};
    }
    // Asks for a cookie from `port` and completes that handshake; returns the cookie.
    std::vector<uint8_t> fetch_cookie(uint16_t port) {
        peer_port = port;
        deliver(tcp_flag::syn, 100, 0, {}, with_cookie({}));
        Sent syn_ack = take();
        EXPECT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
        deliver(tcp_flag::ack, 101, syn_ack.header().sequence + 1);
        auto accepted = listener->accept();
        EXPECT_FALSE(accepted.is_error());
        // Kept open and idle, so that nothing of it goes out while the test watches.
        if (!accepted.is_error())
            idle.push_back(accepted.value());
        ip.sent.clear();
        return cookie_of(syn_ack);
    }
    // A client that has its cookie sends "GET /" in a SYN from port 40001, sequence 5000;
    // returns the SYN-ACK.
    Sent syn_with_request() {
        std::vector<uint8_t> cookie = fetch_cookie(40000);
        peer_port = 40001;
        deliver(tcp_flag::syn, 5000, 0, "GET /", with_cookie(cookie));
        return take();
    }
    void TearDown() override {
        for (TcpSocket* socket : idle)
            socket->close();
    }

    std::vector<TcpSocket*> idle;
};

TEST_F(TcpFastOpen, ACookieRequestGetsACookieForThatClient) {
    listen(4);
    std::vector<uint8_t> cookie = fetch_cookie(40000);
    EXPECT_EQ(cookie.size(), 8u);
    EXPECT_EQ(fetch_cookie(40001), cookie) << "the same client, another port: the same cookie";
    listener->close();
}

TEST_F(TcpFastOpen, WithoutTheOptionSetTheListenerIgnoresFastOpen) {
    listen(0);
    peer_port = 40000;
    deliver(tcp_flag::syn, 100, 0, "GET /", with_cookie({1, 2, 3, 4, 5, 6, 7, 8}));
    Sent syn_ack = take();
    EXPECT_FALSE(syn_ack.header().options.has_fastopen);
    EXPECT_EQ(syn_ack.header().acknowledgment, 101u) << "the SYN's data is not taken";
    EXPECT_TRUE(listener->accept().is_error());
    listener->close();
}

// RFC 7413 4.2.2: the data of a SYN with a valid cookie goes to the program at once; the child
// is accepted before the handshake ends and answers right behind its SYN-ACK.
TEST_F(TcpFastOpen, AValidCookieLetsTheSynDataInAndTheAnswerOutAtOnce) {
    listen(4);
    Sent syn_ack = syn_with_request();
    EXPECT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
    EXPECT_EQ(syn_ack.header().acknowledgment, 5006u) << "the SYN and its 5 bytes";
    EXPECT_FALSE(syn_ack.header().options.has_fastopen) << "a valid cookie needs no new one";
    EXPECT_EQ(layer.statistics().fastopen_accepted, 1u);
    auto accepted = listener->accept();
    ASSERT_FALSE(accepted.is_error());
    TcpSocket* child = accepted.value();
    EXPECT_EQ(state_of(child), TcpState::syn_received);
    EXPECT_EQ(read_all(child), "GET /");
    our_next = syn_ack.header().sequence + 1;
    EXPECT_EQ(send_now(child, "200 OK"), "200 OK") << "sent before the handshake ends";

    peer_next = 5006;
    send_from_peer({}); // acknowledges the SYN-ACK and the answer at once
    EXPECT_EQ(state_of(child), TcpState::established);
    advance_in_steps(3 * seconds);
    expect_nothing_sent();
    child->close();
    listener->close();
}

TEST_F(TcpFastOpen, AnAnswerTheHandshakeLeftUnacknowledgedIsSentAgain) {
    listen(4);
    Sent syn_ack = syn_with_request();
    TcpSocket* child = kernel_test::value_of(listener->accept());
    our_next = syn_ack.header().sequence + 1;
    EXPECT_EQ(send_now(child, "200 OK"), "200 OK");
    // The peer's ACK covers the SYN-ACK only: the answer was lost.
    deliver(tcp_flag::ack, 5006, syn_ack.header().sequence + 1);
    EXPECT_EQ(state_of(child), TcpState::established);
    ip.sent.clear();
    advance_in_steps(3 * seconds);
    ASSERT_FALSE(ip.sent.empty());
    Sent again = take();
    EXPECT_EQ(again.header().sequence, syn_ack.header().sequence + 1);
    EXPECT_EQ(again.payload(), "200 OK");
    child->close();
    listener->close();
}

// An HTTP/1.0 server's habit: answer and close at once, before the peer's handshake ACK.
TEST_F(TcpFastOpen, AChildThatAnswersAndClosesBeforeTheHandshakeEnds) {
    listen(4);
    Sent syn_ack = syn_with_request();
    TcpSocket* child = kernel_test::value_of(listener->accept());
    EXPECT_EQ(read_all(child), "GET /");
    ASSERT_OK(child->send("200 OK", 6, false));
    child->close();
    std::string out;
    bool fin = false;
    while (!ip.sent.empty()) {
        Sent segment = take();
        out += segment.payload();
        fin |= segment.has(tcp_flag::fin);
    }
    EXPECT_EQ(out, "200 OK");
    EXPECT_TRUE(fin);
    // Still SYN-RECEIVED: a program exiting now waits for the peer (net::finish_output).
    EXPECT_TRUE(layer.has_undelivered_output());
    uint32_t iss = syn_ack.header().sequence;
    // The peer acknowledges the SYN, the answer and the FIN at once, then closes its side.
    deliver(tcp_flag::ack, 5006, iss + 1 + 6 + 1);
    EXPECT_FALSE(layer.has_undelivered_output());
    deliver(tcp_flag::ack | tcp_flag::fin, 5006, iss + 1 + 6 + 1);
    Sent last = take();
    EXPECT_TRUE(last.has(tcp_flag::ack));
    EXPECT_EQ(last.header().acknowledgment, 5007u);
    EXPECT_EQ(last.header().sequence, iss + 1 + 6 + 1);
    listener->close();
}

// A cookie that is not ours: the data waits for the handshake (the client sends it again), and
// the SYN-ACK brings the right cookie.
TEST_F(TcpFastOpen, AnInvalidCookieGetsTheRightOneAndNoData) {
    listen(4);
    std::vector<uint8_t> cookie = fetch_cookie(40000);
    std::vector<uint8_t> forged = cookie;
    forged[0] ^= 1;
    peer_port = 40001;
    deliver(tcp_flag::syn, 5000, 0, "GET /", with_cookie(forged));
    Sent syn_ack = take();
    EXPECT_EQ(syn_ack.header().acknowledgment, 5001u);
    EXPECT_EQ(cookie_of(syn_ack), cookie);
    EXPECT_EQ(layer.statistics().fastopen_cookies_invalid, 1u);
    EXPECT_TRUE(listener->accept().is_error()) << "not before the handshake";
    our_next = syn_ack.header().sequence + 1;
    peer_next = 5001;
    send_from_peer("GET /");
    TcpSocket* child = kernel_test::value_of(listener->accept());
    EXPECT_EQ(read_all(child), "GET /");
    child->close();
    listener->close();
}

// TCP_FASTOPEN's number bounds the children taken from SYN data whose handshake has not ended.
TEST_F(TcpFastOpen, TheQueueBoundsPendingChildren) {
    listen(1);
    std::vector<uint8_t> cookie = fetch_cookie(40000);
    peer_port = 40001;
    deliver(tcp_flag::syn, 5000, 0, "first", with_cookie(cookie));
    EXPECT_EQ(take().header().acknowledgment, 5006u);
    peer_port = 40002;
    deliver(tcp_flag::syn, 7000, 0, "second", with_cookie(cookie));
    EXPECT_EQ(take().header().acknowledgment, 7001u) << "over the limit: the data waits";
    EXPECT_EQ(layer.statistics().fastopen_queue_full, 1u);
    listener->close();
}

TEST(TcpFastOpenOption, RoundTripsAndOddLengthsAreIgnored) {
    TcpHeader header;
    header.flags = tcp_flag::syn | tcp_flag::ack;
    header.options.has_mss = true;
    header.options.mss = 1460;
    header.options.has_fastopen = true;
    header.options.fastopen_cookie_length = 8;
    for (uint8_t i = 0; i < 8; ++i)
        header.options.fastopen_cookie[i] = static_cast<uint8_t>(0xa0 + i);
    uint8_t bytes[tcp_maximum_header];
    size_t length = build_tcp_header(header, bytes);
    EXPECT_EQ(length % 4, 0u);
    TcpSegment parsed;
    ASSERT_TRUE(parse_tcp_segment(bytes, length, parsed));
    EXPECT_TRUE(parsed.header.options.has_fastopen);
    ASSERT_EQ(parsed.header.options.fastopen_cookie_length, 8);
    EXPECT_EQ(parsed.header.options.fastopen_cookie[7], 0xa7);

    // A 5-byte cookie (odd) is no cookie; the segment still parses.
    uint8_t odd[28] = {};
    odd[12] = (28 / 4) << 4;
    const uint8_t option[] = {34, 7, 1, 2, 3, 4, 5, 1};
    std::memcpy(odd + 20, option, sizeof option);
    ASSERT_TRUE(parse_tcp_segment(odd, sizeof odd, parsed));
    EXPECT_FALSE(parsed.header.options.has_fastopen);
    // An empty option is a cookie request.
    const uint8_t request[] = {34, 2, 1, 1, 1, 1, 1, 1};
    std::memcpy(odd + 20, request, sizeof request);
    ASSERT_TRUE(parse_tcp_segment(odd, sizeof odd, parsed));
    EXPECT_TRUE(parsed.header.options.has_fastopen);
    EXPECT_EQ(parsed.header.options.fastopen_cookie_length, 0);
}

} // namespace
