#include "kernel/net/net_test_support.h"

#include "net/neighbour_cache.h"
#include "net/stack.h"

#include <vector>

namespace kernel_test {
namespace {

using namespace kernel::net;

Bytes arp_frame(uint16_t operation, MacAddress sender_mac, Ipv4Address sender, Ipv4Address target,
                MacAddress destination = MacAddress::broadcast()) {
    return ethernet_frame(destination, sender_mac, 0x0806,
                          arp_packet(operation, sender_mac, sender, MacAddress{}, target));
}

struct ParsedArp {
    uint16_t operation;
    MacAddress sender_mac;
    Ipv4Address sender;
    MacAddress target_mac;
    Ipv4Address target;
};

ParsedArp parse_arp(const ParsedFrame& frame) {
    EXPECT_EQ(frame.type, 0x0806);
    EXPECT_GE(frame.payload.size(), 28u);
    ParsedArp arp{};
    const uint8_t* p = frame.payload.data();
    EXPECT_EQ(load_be16(p), 1);
    EXPECT_EQ(load_be16(p + 2), 0x0800);
    arp.operation = load_be16(p + 6);
    std::copy(p + 8, p + 14, arp.sender_mac.bytes);
    arp.sender = {load_be32(p + 14)};
    std::copy(p + 18, p + 24, arp.target_mac.bytes);
    arp.target = {load_be32(p + 24)};
    return arp;
}

class NetArp : public NetStackTest {};

TEST_F(NetArp, ConfiguringAnnouncesOurAddress) {
    stack->configure(static_config());
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.destination, MacAddress::broadcast());
    auto arp = parse_arp(frame);
    EXPECT_EQ(arp.operation, 1);
    EXPECT_EQ(arp.sender, our_address);
    EXPECT_EQ(arp.target, our_address);
    EXPECT_EQ(arp.sender_mac, device.mac);
    EXPECT_GE(device.flushes, 1u);
}

TEST_F(NetArp, AnswersRequestsForOurAddress) {
    configure_static();
    receive(arp_frame(1, peer_mac, peer_address, our_address));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.destination, peer_mac);
    EXPECT_EQ(frame.source, device.mac);
    auto arp = parse_arp(frame);
    EXPECT_EQ(arp.operation, 2);
    EXPECT_EQ(arp.sender_mac, device.mac);
    EXPECT_EQ(arp.sender, our_address);
    EXPECT_EQ(arp.target_mac, peer_mac);
    EXPECT_EQ(arp.target, peer_address);
}

TEST_F(NetArp, IgnoresRequestsForOtherAddresses) {
    configure_static();
    receive(arp_frame(1, peer_mac, peer_address, Ipv4Address::from_octets(10, 0, 2, 99)));
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetArp, UnconfiguredAnswersNothing) {
    receive(arp_frame(1, peer_mac, peer_address, Ipv4Address::any()));
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetArp, MalformedPacketsAreCounted) {
    configure_static();
    Bytes packet = arp_packet(1, peer_mac, peer_address, MacAddress{}, our_address);
    Bytes short_packet(packet.begin(), packet.begin() + 27);
    receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0806, short_packet));
    Bytes bad_hardware = packet;
    bad_hardware[1] = 6;
    receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0806, bad_hardware));
    Bytes bad_operation = packet;
    bad_operation[7] = 9;
    receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0806, bad_operation));
    Bytes broadcast_sender =
        arp_packet(1, MacAddress::broadcast(), peer_address, MacAddress{}, our_address);
    receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0806, broadcast_sender));
    EXPECT_EQ(statistics().dropped_malformed, 4u);
    EXPECT_TRUE(device.take_sent().empty());
}

class NetArpResolution : public NetStackTest {
protected:
    void SetUp() override {
        configure_static();
        socket = stack->create_udp_socket();
        ASSERT_NE(socket, nullptr);
    }
    void TearDown() override { socket->close(); }

    void send_to_peer(const char* text) {
        IpEndpoint to{peer_address, 7};
        Bytes data = bytes_of(text);
        auto sent = socket->send_to(data.data(), data.size(), &to);
        ASSERT_FALSE(sent.is_error());
        stack->poll();
    }

    UdpSocket* socket = nullptr;
};

TEST_F(NetArpResolution, QueuesPacketsUntilTheReplyArrives) {
    send_to_peer("first");
    send_to_peer("second");
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u) << "one request, the datagrams wait";
    auto request = parse_arp(parse_frame(sent[0].bytes));
    EXPECT_EQ(request.operation, 1);
    EXPECT_EQ(request.target, peer_address);
    EXPECT_EQ(request.sender, our_address);

    receive(ethernet_frame(device.mac, peer_mac, 0x0806,
                           arp_packet(2, peer_mac, peer_address, device.mac, our_address)));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        auto frame = parse_frame(sent[i].bytes);
        EXPECT_EQ(frame.destination, peer_mac);
        EXPECT_EQ(frame.protocol, 17);
        EXPECT_TRUE(transport_checksum_ok(frame));
    }
    Bytes first = parse_frame(sent[0].bytes).ip_payload;
    EXPECT_EQ(Bytes(first.begin() + 8, first.end()), bytes_of("first"));

    // Resolved: the next datagram goes straight out.
    send_to_peer("third");
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).protocol, 17);
}

TEST_F(NetArpResolution, RetriesThenDropsWhatWaited) {
    send_to_peer("lost");
    EXPECT_EQ(device.take_sent().size(), 1u);
    advance(ArpCache::retry_interval_ns);
    EXPECT_EQ(device.take_sent().size(), 1u) << "second request";
    advance(ArpCache::retry_interval_ns);
    EXPECT_EQ(device.take_sent().size(), 1u) << "third request";
    advance(ArpCache::retry_interval_ns);
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(statistics().arp_unresolved, 1u);
    // A late reply finds nothing waiting.
    receive(ethernet_frame(device.mac, peer_mac, 0x0806,
                           arp_packet(2, peer_mac, peer_address, device.mac, our_address)));
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetArpResolution, AFullQueueLosesDatagramsQuietly) {
    IpEndpoint to{peer_address, 7};
    Bytes big(60000, 1);
    for (int i = 0; i < 3; ++i)
        EXPECT_FALSE(socket->send_to(big.data(), big.size(), &to).is_error()) << i;
    EXPECT_GT(statistics().dropped_no_memory, 0u);
    EXPECT_EQ(device.take_sent().size(), 1u) << "only the ARP request";
}

TEST_F(NetArpResolution, EntriesAreAskedAboutAgainWhileInUse) {
    meet_peer();
    send_to_peer("fresh");
    EXPECT_EQ(parse_frame(device.take_sent().at(0).bytes).type, 0x0800);
    advance(ArpCache::entry_lifetime_ns);
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).type, 0x0806) << "asks again";
    send_to_peer("stale");
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).type, 0x0800) << "without waiting for the answer";
    // A peer that never answers is forgotten: what follows waits for a new request.
    for (unsigned i = 0; i < ArpCache::max_requests; ++i)
        advance(ArpCache::retry_interval_ns);
    device.take_sent();
    send_to_peer("gone");
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).type, 0x0806);
}

TEST_F(NetArpResolution, OffSubnetGoesThroughTheGateway) {
    IpEndpoint to{remote_address, 53};
    Bytes data = bytes_of("query");
    ASSERT_FALSE(socket->send_to(data.data(), data.size(), &to).is_error());
    stack->poll();
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_arp(parse_frame(sent[0].bytes)).target, gateway_address);
    receive(ethernet_frame(device.mac, gateway_mac, 0x0806,
                           arp_packet(2, gateway_mac, gateway_address, device.mac, our_address)));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.destination, gateway_mac);
    EXPECT_EQ(frame.ip_destination, remote_address);
}

TEST(NetArpCache, BoundsWhatWaits) {
    ArpCache cache;
    PacketQueue released;
    Ipv4Address address = Ipv4Address::from_octets(10, 0, 2, 3);
    size_t held = 0;
    auto result = cache.hold(address, PacketBuffer::create(60000), 0);
    EXPECT_EQ(result, ArpCache::HoldResult::send_request);
    ++held;
    EXPECT_EQ(cache.hold(address, PacketBuffer::create(60000), 0), ArpCache::HoldResult::dropped);
    EXPECT_EQ(cache.hold(address, PacketBuffer::create(100), 0), ArpCache::HoldResult::waiting);
    ++held;
    cache.learn(address, peer_mac, 0, false, released);
    EXPECT_EQ(released.count(), held);
    ASSERT_NE(cache.lookup(address), nullptr);
    EXPECT_EQ(*cache.lookup(address), peer_mac);
}

// /proc/net/arp's view: an address asked about and unanswered has no MAC address yet; one that
// answered keeps its MAC address while it is probed again.
TEST(NetArpCache, ListsEachEntryWithItsStateAndMacAddress) {
    ArpCache cache;
    PacketQueue released;
    Ipv4Address waiting = Ipv4Address::from_octets(10, 0, 2, 3);
    Ipv4Address answered = Ipv4Address::from_octets(10, 0, 2, 4);
    EXPECT_EQ(cache.hold(waiting, PacketBuffer::create(100), 0),
              ArpCache::HoldResult::send_request);
    cache.learn(answered, peer_mac, 0, true, released);
    struct Seen {
        Ipv4Address address;
        MacAddress mac;
        bool resolved;
    };
    std::vector<Seen> seen;
    auto collect = [](void* context, Ipv4Address address, const MacAddress& mac, bool resolved) {
        static_cast<std::vector<Seen>*>(context)->push_back({address, mac, resolved});
    };
    cache.list(collect, &seen);
    ASSERT_EQ(seen.size(), 2u);
    for (const Seen& entry : seen) {
        EXPECT_EQ(entry.resolved, entry.address == answered);
        EXPECT_EQ(entry.mac, entry.resolved ? peer_mac : MacAddress{});
    }
    cache.run_timers(
        ArpCache::entry_lifetime_ns, [](void*, Ipv4Address) {}, nullptr);
    seen.clear();
    cache.list(collect, &seen);
    bool probed_keeps_its_mac = false;
    for (const Seen& entry : seen)
        probed_keeps_its_mac |=
            entry.address == answered && entry.resolved && entry.mac == peer_mac;
    EXPECT_TRUE(probed_keeps_its_mac);
    cache.clear();
}

TEST(NetArpCache, LearnsOnlyWhatItWasToldToCreate) {
    ArpCache cache;
    PacketQueue released;
    Ipv4Address address = Ipv4Address::from_octets(10, 0, 2, 3);
    cache.learn(address, peer_mac, 0, false, released);
    EXPECT_EQ(cache.lookup(address), nullptr);
    cache.learn(address, peer_mac, 0, true, released);
    EXPECT_NE(cache.lookup(address), nullptr);
}

// Past its lifetime an entry is asked about again while still used; an answer renews it,
// silence through every request forgets it.
TEST(NetArpCache, ReverifiesEntriesWhileUsingThem) {
    ArpCache cache;
    PacketQueue released;
    Ipv4Address address = Ipv4Address::from_octets(10, 0, 2, 3);
    std::vector<Ipv4Address> asked;
    auto ask = [](void* context, Ipv4Address asked_about) {
        static_cast<std::vector<Ipv4Address>*>(context)->push_back(asked_about);
    };
    cache.learn(address, peer_mac, 0, true, released);
    uint64_t now = ArpCache::entry_lifetime_ns;
    EXPECT_EQ(cache.run_timers(now, ask, &asked), 0u);
    EXPECT_EQ(asked.size(), 1u);
    ASSERT_NE(cache.lookup(address), nullptr) << "still used while asked about";
    cache.learn(address, peer_mac, now, false, released);
    EXPECT_EQ(cache.next_deadline_ns(), now + ArpCache::entry_lifetime_ns) << "renewed";

    now += ArpCache::entry_lifetime_ns;
    for (unsigned i = 0; i <= ArpCache::max_requests; ++i) {
        EXPECT_NE(cache.lookup(address), nullptr);
        cache.run_timers(now, ask, &asked);
        now += ArpCache::retry_interval_ns;
    }
    EXPECT_EQ(asked.size(), 1u + ArpCache::max_requests);
    EXPECT_EQ(cache.lookup(address), nullptr) << "forgotten after three unanswered requests";
    EXPECT_EQ(cache.next_deadline_ns(), 0u);
}

TEST(NetArpCache, FullTableEvictsTheOldestResolvedEntry) {
    ArpCache cache;
    PacketQueue released;
    for (uint32_t i = 0; i < ArpCache::capacity; ++i)
        cache.learn({0x0a000100 + i}, peer_mac, i, true, released);
    cache.learn({0x0a000200}, gateway_mac, 100, true, released);
    EXPECT_EQ(cache.lookup({0x0a000100}), nullptr);
    EXPECT_NE(cache.lookup({0x0a000101}), nullptr);
    EXPECT_NE(cache.lookup({0x0a000200}), nullptr);
}

} // namespace
} // namespace kernel_test
