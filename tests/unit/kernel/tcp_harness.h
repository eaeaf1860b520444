// A TcpLayer under test and the test playing its peer segment by segment, over IPv4 or (with
// use_ipv6(), AF_INET6 sockets) over IPv6.
#pragma once

#include "kernel/tcp_test_support.h"

#include "net/tcp/tcp_connection.h"

namespace kernel::net::tcp {
// Test failures name the states.
inline void PrintTo(TcpState state, std::ostream* out) {
    *out << tcp_state_name(state);
}
} // namespace kernel::net::tcp

namespace tcp_test {

class TcpHarness : public ::testing::Test {
protected:
    static constexpr uint16_t server_port = 80;

    void SetUp() override { FakeWorld::reset(7); }

    // Our address of the peer's family.
    IpAddress us() const { return peer.is_v4() ? IpAddress(ip.address) : IpAddress(ip.address6); }
    IpAddress wildcard() const {
        return ipv6 ? IpAddress(Ipv6Address::any()) : IpAddress(Ipv4Address::any());
    }
    // From here on the peer is 2001:db8::2 and the sockets the harness opens are AF_INET6.
    void use_ipv6() {
        ipv6 = true;
        peer = Ipv6Address{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
    }

    void deliver_raw(const std::vector<uint8_t>& bytes) {
        layer.receive(peer, us(), bytes.data(), bytes.size(), false);
    }
    void deliver(uint8_t flags, uint32_t sequence, uint32_t ack, const std::string& payload = {},
                 TcpOptions options = {}, uint16_t window = 65535) {
        TcpHeader header;
        header.source_port = peer_port;
        header.destination_port = local_port;
        header.sequence = sequence;
        header.acknowledgment = ack;
        header.flags = flags;
        header.window = window;
        header.options = options;
        deliver_raw(build_segment(peer, us(), header, payload));
    }
    // From the peer at its next sequence number, acknowledging `ack` (default: all we sent).
    void send_from_peer(const std::string& payload, uint8_t extra_flags = 0,
                        uint16_t window = 65535) {
        deliver(tcp_flag::ack | extra_flags, peer_next, our_next, payload, peer_options(), window);
        peer_next +=
            static_cast<uint32_t>(payload.size()) + ((extra_flags & tcp_flag::fin) ? 1 : 0);
    }
    void ack_from_peer(uint32_t ack, uint16_t window = 65535) {
        deliver(tcp_flag::ack, peer_next, ack, {}, peer_options(), window);
    }
    TcpOptions peer_options() const {
        TcpOptions options;
        if (timestamps) {
            options.has_timestamps = true;
            options.timestamp_value = ++const_cast<TcpHarness*>(this)->peer_clock;
            options.timestamp_echo = last_timestamp_seen;
        }
        return options;
    }

    void advance(uint64_t nanoseconds) {
        FakeWorld::now += nanoseconds;
        layer.run_timers();
    }
    // Runs timers in small steps up to `nanoseconds` later, as the scheduler would.
    void advance_in_steps(uint64_t nanoseconds, uint64_t step = 10 * ms) {
        for (uint64_t elapsed = 0; elapsed < nanoseconds; elapsed += step)
            advance(std::min(step, nanoseconds - elapsed));
    }

    Sent take() {
        Sent segment = ip.take();
        if (!segment.bytes.empty() && segment.header().options.has_timestamps)
            last_timestamp_seen = segment.header().options.timestamp_value;
        return segment;
    }
    void expect_nothing_sent() {
        for (const Sent& segment : ip.sent) {
            TcpHeader header = segment.header();
            ADD_FAILURE() << "unexpected segment: flags " << int(header.flags) << " sequence "
                          << header.sequence << " ack " << header.acknowledgment << " payload "
                          << segment.payload().size();
        }
        ip.sent.clear();
    }

    // A connection accepted from a listener (then closed); the peer's SYN offers `syn_options`.
    TcpSocket* open_passive(TcpOptions syn_options = {}, uint32_t receive_buffer = 128 * 1024) {
        listener = layer.create_socket(ipv6);
        listener->options().receive_buffer = receive_buffer;
        EXPECT_EQ(kernel_test::outcome(listener->bind({wildcard(), server_port})), "OK");
        EXPECT_EQ(kernel_test::outcome(listener->listen(16)), "OK");
        local_port = server_port;
        peer_next = 1000;
        timestamps = syn_options.has_timestamps;
        if (timestamps)
            peer_clock = syn_options.timestamp_value;
        deliver(tcp_flag::syn, peer_next, 0, {}, syn_options);
        peer_next += 1;
        Sent syn_ack = take();
        EXPECT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
        our_next = syn_ack.header().sequence + 1;
        send_from_peer({});
        auto accepted = listener->accept();
        EXPECT_FALSE(accepted.is_error());
        listener->close();
        listener = nullptr;
        return accepted.is_error() ? nullptr : accepted.value();
    }

    // A connection this side opened; the peer's SYN-ACK carries `syn_ack_options`.
    TcpSocket* open_active(TcpOptions syn_ack_options = {}, uint16_t window = 65535) {
        TcpSocket* socket = layer.create_socket(ipv6);
        EXPECT_ERRNO(socket->connect({peer, peer_port}), EINPROGRESS);
        Sent syn = take();
        EXPECT_TRUE(syn.has(tcp_flag::syn));
        local_port = syn.header().source_port;
        our_next = syn.header().sequence + 1;
        peer_next = 9000;
        timestamps = syn_ack_options.has_timestamps;
        if (timestamps)
            syn_ack_options.timestamp_echo = syn.header().options.timestamp_value;
        deliver(tcp_flag::syn | tcp_flag::ack, peer_next, our_next, {}, syn_ack_options, window);
        peer_next += 1;
        Sent ack = take();
        EXPECT_TRUE(ack.has(tcp_flag::ack));
        EXPECT_EQ(ack.header().acknowledgment, peer_next);
        return socket;
    }

    // Sends `data` and returns what went out at once, checking it starts at our_next.
    std::string send_now(TcpSocket* socket, const std::string& data) {
        EXPECT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
        std::string out;
        while (!ip.sent.empty()) {
            Sent segment = take();
            EXPECT_EQ(segment.header().sequence, our_next + out.size());
            out += segment.payload();
        }
        our_next += static_cast<uint32_t>(out.size());
        return out;
    }
    // Runs the clock to each timer deadline in turn until none is left or `limit` passes.
    void run_until_idle(uint64_t limit) {
        uint64_t end = FakeWorld::now + limit;
        while (uint64_t deadline = layer.next_deadline_ns()) {
            if (deadline > end)
                break;
            FakeWorld::now = std::max(FakeWorld::now, deadline);
            layer.run_timers();
        }
    }

    static TcpState state_of(TcpSocket* socket) {
        return static_cast<TcpConnection*>(socket)->state();
    }
    std::string read_all(TcpSocket* socket) {
        std::string data;
        char buffer[4096];
        for (;;) {
            auto result = socket->receive(buffer, sizeof buffer, false);
            if (result.is_error() || result.value() == 0)
                return data;
            data.append(buffer, result.value());
        }
    }

    RecordingIp ip;
    Environment environment = FakeWorld::environment();
    TcpLayer layer{ip, ip, environment};
    bool ipv6 = false;
    IpAddress peer = Ipv4Address::from_octets(10, 0, 0, 2);
    uint16_t peer_port = 40000;
    uint16_t local_port = server_port;
    TcpSocket* listener = nullptr;
    uint32_t our_next = 0;  // the next sequence number we expect the layer to send
    uint32_t peer_next = 0; // the peer's next sequence number
    bool timestamps = false;
    uint32_t peer_clock = 0;
    uint32_t last_timestamp_seen = 0;
};

} // namespace tcp_test
