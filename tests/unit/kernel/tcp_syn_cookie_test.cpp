#include "kernel/tcp_harness.h"

#include "net/tcp/syn_cookie.h"

namespace {

using namespace tcp_test;
using kernel::net::tcp::SynCookieFlow;
using kernel::net::tcp::SynCookieOptions;
using kernel::net::tcp::SynCookies;

class SynCookieEncoding : public ::testing::Test {
protected:
    void SetUp() override {
        const uint32_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        cookies.set_key(key);
    }
    SynCookies cookies;
    SynCookieFlow flow = {Ipv4Address::from_octets(10, 0, 0, 1),
                          Ipv4Address::from_octets(10, 0, 0, 2), 80, 40000};
    uint64_t now = 1'000 * seconds;
};

TEST_F(SynCookieEncoding, CarriesTheLargestTableMssNotAboveThePeers) {
    const std::pair<uint16_t, uint16_t> cases[] = {{0, 536},     {100, 536},   {536, 536},
                                                   {1299, 536},  {1300, 1300}, {1400, 1300},
                                                   {1440, 1440}, {1460, 1460}, {9000, 1460}};
    for (auto [offered, expected] : cases) {
        uint32_t cookie = cookies.make(flow, 777, offered, now);
        EXPECT_EQ(cookies.check(flow, 777, cookie, now), expected) << offered;
    }
}

TEST_F(SynCookieEncoding, ValidForTheMinuteAndTheNextOnly) {
    uint32_t cookie = cookies.make(flow, 5, 1460, now);
    uint64_t minute_start = now / SynCookies::period_ns * SynCookies::period_ns;
    EXPECT_EQ(cookies.check(flow, 5, cookie, minute_start + SynCookies::period_ns + 1), 1460);
    EXPECT_EQ(cookies.check(flow, 5, cookie, minute_start + 2 * SynCookies::period_ns), 0);
    EXPECT_EQ(cookies.check(flow, 5, cookie, minute_start - 1), 0); // from the future
}

TEST_F(SynCookieEncoding, AnotherFlowIsnOrKeyFails) {
    uint32_t cookie = cookies.make(flow, 5, 1460, now);
    SynCookieFlow other_port = flow;
    other_port.remote_port = 40001;
    EXPECT_EQ(cookies.check(other_port, 5, cookie, now), 0);
    // As Linux's, the cookie is linear in the ISN: a near miss moves the MSS index, a far
    // one fails.
    EXPECT_EQ(cookies.check(flow, 5 + 4096, cookie, now), 0);
    SynCookies other_key;
    const uint32_t key[8] = {9, 9, 9, 9, 9, 9, 9, 9};
    other_key.set_key(key);
    EXPECT_EQ(other_key.check(flow, 5, cookie, now), 0);
    // Guessing: of many cookies near the real one, few pass (4 in 2^24 per minute at random).
    int accepted = 0;
    for (uint32_t delta = 1; delta < 100'000; ++delta)
        accepted += cookies.check(flow, 5, cookie + delta * 7919, now) != 0;
    EXPECT_LE(accepted, 2);
}

TEST_F(SynCookieEncoding, TimestampCarriesTheOptionsAndNeverRunsAhead) {
    for (uint32_t clock : {0u, 63u, 64u, 1'000'000u, 0xffffffffu}) {
        for (uint8_t scale : {0, 7, 14}) {
            SynCookieOptions options{true, scale, scale != 7};
            uint32_t value = SynCookies::encode_timestamp(clock, options);
            EXPECT_LE(clock - value, 63u);
            SynCookieOptions decoded;
            ASSERT_TRUE(SynCookies::decode_timestamp(value, decoded));
            EXPECT_TRUE(decoded.window_scaling);
            EXPECT_EQ(decoded.window_scale, scale);
            EXPECT_EQ(decoded.sack, options.sack);
        }
    }
    SynCookieOptions decoded;
    ASSERT_TRUE(SynCookies::decode_timestamp(SynCookies::encode_timestamp(500, {}), decoded));
    EXPECT_FALSE(decoded.window_scaling);
    EXPECT_FALSE(decoded.sack);
    EXPECT_FALSE(SynCookies::decode_timestamp(0x20, decoded)); // ECN, never offered
}

class TcpSynCookies : public TcpHarness {
protected:
    // A listener with room for one half-open connection, whose SYN queue is full.
    void fill_syn_queue() {
        listener = layer.create_socket();
        ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
        ASSERT_OK(listener->listen(1));
        peer_port = 30000;
        deliver(tcp_flag::syn, 1, 0);
        ASSERT_TRUE(take().has(tcp_flag::syn | tcp_flag::ack));
        peer_port = 40000;
    }
};

TEST_F(TcpSynCookies, FullSynQueueAnswersWithACookieAndKeepsNoState) {
    fill_syn_queue();
    uint64_t deadline = layer.next_deadline_ns();
    TcpOptions options;
    options.has_mss = true;
    options.mss = 1460;
    deliver(tcp_flag::syn, 5000, 0, {}, options);
    Sent syn_ack = take();
    EXPECT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
    EXPECT_EQ(syn_ack.header().acknowledgment, 5001u);
    EXPECT_TRUE(syn_ack.header().options.has_mss);
    // No timestamps from the peer: no window scaling or SACK offered either.
    EXPECT_FALSE(syn_ack.header().options.has_window_scale);
    EXPECT_FALSE(syn_ack.header().options.sack_permitted);
    EXPECT_EQ(layer.statistics().syn_cookies_sent, 1u);
    EXPECT_EQ(layer.next_deadline_ns(), deadline); // no timer of its own: nothing to resend
    advance(3 * seconds);
    for (const Sent& sent : ip.sent)
        EXPECT_NE(sent.header().destination_port, 40000);
    ip.sent.clear();

    // The ACK, carrying data, opens the connection.
    our_next = syn_ack.header().sequence + 1;
    peer_next = 5001;
    send_from_peer("GET /");
    EXPECT_EQ(layer.statistics().syn_cookies_valid, 1u);
    auto accepted = listener->accept();
    ASSERT_FALSE(accepted.is_error());
    TcpSocket* socket = accepted.value();
    EXPECT_EQ(state_of(socket), TcpState::established);
    EXPECT_EQ(read_all(socket), "GET /");
    ip.sent.clear();
    // The MSS came back from the cookie: 1460-byte segments, and Nagle holds the rest.
    std::string out = send_now(socket, std::string(3000, 'x'));
    EXPECT_EQ(out.size(), 2920u);
    socket->close();
    listener->close();
}

TEST_F(TcpSynCookies, TimestampsBringBackWindowScaleAndSack) {
    fill_syn_queue();
    TcpOptions options;
    options.has_mss = true;
    options.mss = 1460;
    options.has_window_scale = true;
    options.window_scale = 7;
    options.sack_permitted = true;
    options.has_timestamps = true;
    options.timestamp_value = 100;
    peer_clock = 100;
    timestamps = true;
    deliver(tcp_flag::syn, 5000, 0, {}, options);
    Sent syn_ack = take();
    const TcpOptions& offered = syn_ack.header().options;
    EXPECT_TRUE(offered.has_window_scale);
    EXPECT_TRUE(offered.sack_permitted);
    ASSERT_TRUE(offered.has_timestamps);
    EXPECT_EQ(offered.timestamp_echo, 100u);
    our_next = syn_ack.header().sequence + 1;
    peer_next = 5001;
    // A window of 10 << 7 bytes: the scale must have come back through the timestamp.
    send_from_peer({}, 0, 10);
    auto accepted = listener->accept();
    ASSERT_FALSE(accepted.is_error());
    TcpSocket* socket = accepted.value();
    std::string out = send_now(socket, std::string(5000, 'y'));
    EXPECT_EQ(out.size(), 1280u);
    EXPECT_TRUE(ip.sent.empty());
    // Timestamps go on, on the clock the SYN-ACK showed.
    ack_from_peer(our_next, 10);
    Sent next = take();
    ASSERT_TRUE(next.header().options.has_timestamps);
    uint32_t elapsed = next.header().options.timestamp_value - offered.timestamp_value;
    EXPECT_LT(elapsed, 100u);
    socket->close();
    listener->close();
}

TEST_F(TcpSynCookies, ForgedCookieIsResetAndCounted) {
    fill_syn_queue();
    deliver(tcp_flag::syn, 5000, 0);
    Sent syn_ack = take();
    deliver(tcp_flag::ack, 5001, syn_ack.header().sequence + 1 + 4096);
    Sent reset = take();
    EXPECT_TRUE(reset.has(tcp_flag::rst));
    EXPECT_EQ(layer.statistics().syn_cookies_invalid, 1u);
    EXPECT_TRUE(listener->accept().is_error());
    // Too late: the cookie's minutes have passed.
    FakeWorld::now += 3 * SynCookies::period_ns;
    deliver(tcp_flag::ack, 5001, syn_ack.header().sequence + 1);
    EXPECT_TRUE(take().has(tcp_flag::rst));
    EXPECT_TRUE(listener->accept().is_error());
    listener->close();
}

TEST_F(TcpSynCookies, CookiesAreNotCheckedWithoutARecentOverflow) {
    listener = layer.create_socket();
    ASSERT_OK(listener->bind({Ipv4Address::any(), server_port}));
    ASSERT_OK(listener->listen(4));
    deliver(tcp_flag::ack, 5001, 12345);
    EXPECT_TRUE(take().has(tcp_flag::rst));
    EXPECT_EQ(layer.statistics().syn_cookies_invalid, 0u);
    listener->close();
}

TEST_F(TcpSynCookies, FullAcceptQueueDropsSyns) {
    fill_syn_queue();
    // The queued child finishes its handshake and waits for accept().
    peer_port = 30000;
    ip.sent.clear();
    advance(1 * seconds);
    Sent retransmitted = take();
    ip.sent.clear();
    deliver(tcp_flag::ack, 2, retransmitted.header().sequence + 1);
    peer_port = 40000;
    deliver(tcp_flag::syn, 5000, 0);
    expect_nothing_sent();
    EXPECT_EQ(layer.statistics().syn_dropped_backlog_full, 1u);
    EXPECT_EQ(layer.statistics().syn_cookies_sent, 0u);
    listener->close();
}

} // namespace
