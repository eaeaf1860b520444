// Two TcpLayers back to back over a simulated link that delays, reorders and loses segments
// (seeded, so a failure replays), moving megabytes each way at once, over IPv4 or IPv6.
#include "kernel/tcp_test_support.h"
#include "net/ipv4.h"
#include "net/tcp/tcp_connection.h"

namespace {

using namespace tcp_test;

class SimulatedLink;

// One side's IP of both families: hands each datagram to the link towards the other side.
class LinkIp : public IpOutput, public Ip6Output {
public:
    LinkIp(SimulatedLink& link, Ipv4Address address, const Ipv6Address& address6)
        : m_link(link), m_address(address), m_address6(address6) {}
    Ipv4Address local_address() const override { return m_address; }
    bool is_local(Ipv4Address address) const override {
        return address.is_loopback() || address == m_address;
    }
    size_t mtu() const override { return 1500; }
    PathMtu path_to(Ipv4Address) const override { return {mtu()}; }
    // The simulated link sends no ICMP.
    void learn_path_mtu(Ipv4Address, size_t) override {}
    bool offers_checksum_offload() const override { return false; }
    size_t tcp_segmentation_limit() const override { return mtu(); }
    kernel::ErrorOr<void> send(Ipv4Address source, Ipv4Address destination, uint8_t,
                               const TransmitFragment* fragments, size_t count,
                               const TransportChecksum*, bool) override {
        return carry(source, destination, fragments, count, ipv4_header_length);
    }
    Ipv6Address source_for(const Ipv6Address&) const override { return m_address6; }
    size_t mtu_for(const Ipv6Address&) const override { return mtu(); }
    size_t link_mtu() const override { return mtu(); }
    bool is_local(const Ipv6Address& address) const override { return address == m_address6; }
    kernel::ErrorOr<void> send6(const Ipv6Address& source, const Ipv6Address& destination, uint8_t,
                                const TransmitFragment* fragments, size_t count,
                                const TransportChecksum*) override {
        return carry(source, destination, fragments, count, ipv6_header_length);
    }
    TcpLayer* destination_layer = nullptr;

private:
    kernel::ErrorOr<void> carry(const IpAddress& source, const IpAddress& destination,
                                const TransmitFragment* fragments, size_t count, size_t ip_header);

    SimulatedLink& m_link;
    Ipv4Address m_address;
    Ipv6Address m_address6;
};

class SimulatedLink {
public:
    SimulatedLink(uint32_t seed, double loss, uint64_t jitter)
        : m_random(seed), m_loss(loss), m_jitter(jitter) {}

    // `ip_header`: what the packet's IP header adds to `bytes`, for the black hole.
    void carry(TcpLayer* to, const IpAddress& source, const IpAddress& destination,
               std::vector<uint8_t> bytes, size_t ip_header) {
        ++carried;
        // A path that drops what is too big for it and says nothing (RFC 2923 2.1).
        if (black_hole_mtu && bytes.size() + ip_header > black_hole_mtu) {
            ++swallowed;
            return;
        }
        if (std::uniform_real_distribution<double>(0, 1)(m_random) < m_loss) {
            ++lost;
            return;
        }
        // 5 ms of propagation plus jitter, with which segments overtake each other.
        uint64_t delay = 5 * ms + (m_jitter ? m_random() % m_jitter : 0);
        m_queue.push_back(
            {FakeWorld::now + delay, m_order++, to, source, destination, std::move(bytes)});
    }
    uint64_t next_arrival() const {
        uint64_t earliest = 0;
        for (const auto& datagram : m_queue)
            if (!earliest || datagram.at < earliest)
                earliest = datagram.at;
        return earliest;
    }
    // Delivers every datagram due by now, in arrival order.
    void deliver_due() {
        for (;;) {
            auto due = m_queue.end();
            for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
                if (it->at <= FakeWorld::now && (due == m_queue.end() || it->at < due->at ||
                                                 (it->at == due->at && it->order < due->order)))
                    due = it;
            }
            if (due == m_queue.end())
                return;
            Datagram datagram = std::move(*due);
            m_queue.erase(due);
            datagram.to->receive(datagram.source, datagram.destination, datagram.bytes.data(),
                                 datagram.bytes.size(), false);
        }
    }

    uint64_t carried = 0;
    uint64_t lost = 0;
    size_t black_hole_mtu = 0; // packets larger than this vanish; 0: none do
    uint64_t swallowed = 0;

private:
    struct Datagram {
        uint64_t at;
        uint64_t order;
        TcpLayer* to;
        IpAddress source;
        IpAddress destination;
        std::vector<uint8_t> bytes;
    };
    std::mt19937 m_random;
    double m_loss;
    uint64_t m_jitter;
    uint64_t m_order = 0;
    std::vector<Datagram> m_queue;
};

kernel::ErrorOr<void> LinkIp::carry(const IpAddress& source, const IpAddress& destination,
                                    const TransmitFragment* fragments, size_t count,
                                    size_t ip_header) {
    std::vector<uint8_t> bytes;
    for (size_t index = 0; index < count; ++index) {
        auto* data = static_cast<const uint8_t*>(fragments[index].data);
        bytes.insert(bytes.end(), data, data + fragments[index].length);
    }
    EXPECT_LE(bytes.size(), mtu() - ip_header);
    m_link.carry(destination_layer, source, destination, std::move(bytes), ip_header);
    return {};
}

// One end's program: writes its stream as fast as the socket takes it, reads all it gets.
struct Endpoint {
    TcpSocket* socket = nullptr;
    std::string outgoing;
    size_t written = 0;
    std::string incoming;
    bool saw_end = false;
    bool shut_down = false;

    void pump() {
        if (!socket)
            return;
        while (written < outgoing.size()) {
            auto result = socket->send(outgoing.data() + written,
                                       std::min<size_t>(outgoing.size() - written, 60000));
            if (result.is_error())
                break;
            written += result.value();
        }
        if (written == outgoing.size() && !shut_down) {
            ASSERT_OK(socket->shutdown(false, true));
            shut_down = true;
        }
        char buffer[16384];
        for (;;) {
            auto result = socket->receive(buffer, sizeof buffer, false);
            if (result.is_error())
                break;
            if (result.value() == 0) {
                saw_end = true;
                break;
            }
            incoming.append(buffer, result.value());
        }
    }
};

struct EndToEndResult {
    uint64_t transfer_ns; // until both programs read the other's end of stream
    uint64_t lost;
    uint64_t retransmitted;
    TcpStatistics a, b;    // each side's layer's
    uint32_t a_mss, b_mss; // each side's MSS at the end (TCP_INFO's tcpi_snd_mss)
    uint64_t swallowed;    // by the black hole
};

enum class Family { ipv4, ipv6 };

EndToEndResult transfer(size_t bytes_each_way, double loss, uint64_t jitter, uint32_t seed,
                        Family family = Family::ipv4, size_t black_hole_mtu = 0) {
    FakeWorld::reset(seed);
    uint64_t start = FakeWorld::now;
    SimulatedLink link(seed, loss, jitter);
    link.black_hole_mtu = black_hole_mtu;
    Ipv6Address address6_a = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    Ipv6Address address6_b = {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
    LinkIp ip_a(link, Ipv4Address::from_octets(10, 0, 0, 1), address6_a);
    LinkIp ip_b(link, Ipv4Address::from_octets(10, 0, 0, 2), address6_b);
    Environment environment = FakeWorld::environment();
    TcpLayer layer_a(ip_a, ip_a, environment);
    TcpLayer layer_b(ip_b, ip_b, environment);
    ip_a.destination_layer = &layer_b;
    ip_b.destination_layer = &layer_a;

    // Over IPv6 both ends are AF_INET6 sockets, the listener on the dual-stack ::.
    bool ipv6 = family == Family::ipv6;
    TcpSocket* listener = layer_b.create_socket(ipv6);
    IpAddress wildcard = ipv6 ? IpAddress(Ipv6Address::any()) : IpAddress(Ipv4Address::any());
    EXPECT_EQ(kernel_test::outcome(listener->bind({wildcard, 5000})), "OK");
    EXPECT_EQ(kernel_test::outcome(listener->listen(4)), "OK");
    Endpoint a, b;
    a.outgoing = pattern(bytes_each_way, 3);
    b.outgoing = pattern(bytes_each_way, 11);
    a.socket = layer_a.create_socket(ipv6);
    IpAddress server = ipv6 ? IpAddress(address6_b) : IpAddress(ip_b.local_address());
    EXPECT_EQ(kernel_test::outcome(a.socket->connect({server, 5000})), "EINPROGRESS");

    constexpr uint64_t limit = 900 * seconds;
    uint64_t transfer_done = 0;
    for (;;) {
        if (!b.socket) {
            auto accepted = listener->accept();
            if (!accepted.is_error()) {
                b.socket = accepted.value();
                listener->close();
            }
        }
        a.pump();
        b.pump();
        if (!transfer_done && a.saw_end && b.saw_end)
            transfer_done = FakeWorld::now;
        bool finished = a.saw_end && b.saw_end && b.socket && layer_a.next_deadline_ns() == 0 &&
                        layer_b.next_deadline_ns() == 0 && link.next_arrival() == 0;
        if (finished)
            break;
        uint64_t next = 0;
        for (uint64_t candidate :
             {link.next_arrival(), layer_a.next_deadline_ns(), layer_b.next_deadline_ns()})
            if (candidate && (!next || candidate < next))
                next = candidate;
        if (!next) {
            ADD_FAILURE() << "stuck: nothing in flight and no timer, a got " << a.incoming.size()
                          << " b got " << b.incoming.size() << " a wrote " << a.written
                          << " b wrote " << b.written << " carried " << link.carried << " a state "
                          << (int)static_cast<kernel::net::tcp::TcpConnection*>(a.socket)->state()
                          << " b socket " << (b.socket != nullptr) << " a error "
                          << a.socket->take_error() << " resets "
                          << layer_a.statistics().resets_received << "/"
                          << layer_b.statistics().resets_received << " oow "
                          << layer_a.statistics().dropped_out_of_window << "/"
                          << layer_b.statistics().dropped_out_of_window;
            break;
        }
        FakeWorld::now = std::max(FakeWorld::now, next);
        if (FakeWorld::now - start > limit) {
            ADD_FAILURE() << "not done after " << limit / seconds << " simulated seconds, a got "
                          << a.incoming.size() << " b got " << b.incoming.size();
            break;
        }
        link.deliver_due();
        layer_a.run_timers();
        layer_b.run_timers();
    }
    EXPECT_TRUE(a.incoming == b.outgoing) << "a received " << a.incoming.size() << " bytes";
    EXPECT_TRUE(b.incoming == a.outgoing) << "b received " << b.incoming.size() << " bytes";
    EXPECT_EQ(layer_a.statistics().dropped_bad_checksum, 0u);
    EXPECT_EQ(layer_b.statistics().dropped_malformed, 0u);
    EXPECT_EQ(layer_a.statistics().connections_opened, 1u);
    EXPECT_EQ(layer_b.statistics().connections_opened, 1u);
    EXPECT_EQ(layer_a.statistics().resets_sent + layer_b.statistics().resets_sent, 0u);
    // The side that closed first waited out TIME_WAIT.
    EXPECT_GE(FakeWorld::now - transfer_done, 60 * seconds);
    LinuxTcpInfo info_a{}, info_b{};
    a.socket->get_info(info_a);
    if (b.socket)
        b.socket->get_info(info_b);
    a.socket->close();
    if (b.socket)
        b.socket->close();
    return {transfer_done - start,
            link.lost,
            layer_a.statistics().retransmitted + layer_b.statistics().retransmitted,
            layer_a.statistics(),
            layer_b.statistics(),
            info_a.snd_mss,
            info_b.snd_mss,
            link.swallowed};
}

TEST(TcpEndToEnd, CleanLinkMovesMegabytesBothWays) {
    EndToEndResult result = transfer(4 << 20, 0.0, 0, 1);
    EXPECT_EQ(result.retransmitted, 0u);
    // 128 KiB windows over a 10 ms round trip: about 12 MiB/s, so well under a second.
    EXPECT_LT(result.transfer_ns, 1 * seconds);
}

TEST(TcpEndToEnd, LossyReorderingLinkStillDeliversEveryByte) {
    EndToEndResult result = transfer(4 << 20, 0.05, 4 * ms, 2);
    EXPECT_GT(result.lost, 100u);
    EXPECT_GT(result.retransmitted, 100u);
    EXPECT_LT(result.transfer_ns, 120 * seconds);
}

TEST(TcpEndToEnd, LossyReorderingLinkOverIpv6) {
    EndToEndResult result = transfer(2 << 20, 0.05, 4 * ms, 6, Family::ipv6);
    EXPECT_GT(result.lost, 50u);
    EXPECT_GT(result.retransmitted, 50u);
    EXPECT_LT(result.transfer_ns, 120 * seconds);
}

// A path that carries 1400-byte packets and drops larger ones without a word (ICMP filtered):
// each side finds it by its timeouts, drops to RFC 8899's base size, then probes its way up
// to within MtuSearch::done_within of 1400 (RFC 4821), and every byte arrives.
TEST(TcpEndToEnd, BlackHoleIsFoundAndTheLargestSizeThatPassesIsUsed) {
    EndToEndResult result = transfer(2 << 20, 0.0, 0, 3, Family::ipv4, 1400);
    EXPECT_GT(result.swallowed, 0u);
    for (const TcpStatistics* side : {&result.a, &result.b}) {
        EXPECT_EQ(side->path_mtu_black_holes, 1u);
        EXPECT_GE(side->path_mtu_probes, 3u);
        EXPECT_GE(side->path_mtu_probes_failed, 1u);
    }
    // Timestamps on: 52 bytes of headers and options.
    for (uint32_t mss : {result.a_mss, result.b_mss}) {
        EXPECT_LE(mss + 52, 1400u);
        EXPECT_GT(mss + 52 + MtuSearch::done_within, 1400u);
    }
}

TEST(TcpEndToEnd, BlackHoleOverIpv6StopsAtTheMinimumLinkMtu) {
    EndToEndResult result = transfer(1 << 20, 0.0, 0, 4, Family::ipv6, 1280);
    EXPECT_EQ(result.a.path_mtu_black_holes, 1u);
    EXPECT_EQ(result.a_mss + 72, 1280u); // 40 + 20 + 12
    EXPECT_EQ(result.b_mss + 72, 1280u);
}

TEST(TcpEndToEnd, OtherSeedsToo) {
    for (uint32_t seed : {3u, 4u, 5u}) {
        EndToEndResult result = transfer(512 << 10, 0.05, 4 * ms, seed);
        EXPECT_LT(result.transfer_ns, 60 * seconds) << "seed " << seed;
    }
}

} // namespace
