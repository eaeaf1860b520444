#include "kernel/net/net_test_support.h"

#include "fake_tcp_layer.h"
#include "net/arp_cache.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

Bytes tcp_frame(const Bytes& segment, Ipv4Address destination = our_address,
                MacAddress mac = our_mac) {
    Ipv4Fields fields;
    fields.protocol = 6;
    fields.destination = destination;
    return ethernet_frame(mac, peer_mac, 0x0800, ipv4_packet(fields, segment));
}

class NetStack : public NetStackTest {};

TEST_F(NetStack, StaticConfiguration) {
    EXPECT_FALSE(stack->is_configured());
    stack->configure(static_config());
    EXPECT_TRUE(stack->is_configured());
    EXPECT_EQ(stack->config().address, our_address);
    EXPECT_EQ(stack->config().gateway, gateway_address);
}

TEST_F(NetStack, RoutesTcpToTheTcpLayer) {
    configure_static();
    Bytes segment(20, 0);
    store_be16(segment.data(), 40000);
    store_be16(segment.data() + 2, 80);
    receive(tcp_frame(segment), true);
    auto& log = fake_tcp_log();
    ASSERT_EQ(log.segments, 1u);
    EXPECT_EQ(log.last_source, peer_address);
    EXPECT_EQ(log.last_destination, our_address);
    EXPECT_EQ(Bytes(log.last_segment, log.last_segment + log.last_length), segment);
    EXPECT_TRUE(log.last_checksum_verified);
}

TEST_F(NetStack, TcpNeverSeesBroadcastsOrSegmentsBeforeConfiguration) {
    receive(tcp_frame(Bytes(20, 0)));
    configure_static();
    receive(tcp_frame(Bytes(20, 0), Ipv4Address::limited_broadcast(), MacAddress::broadcast()));
    EXPECT_EQ(fake_tcp_log().segments, 0u);
    EXPECT_EQ(statistics().dropped_not_for_us, 2u);
}

TEST_F(NetStack, FragmentedTcpIsReassembledFirst) {
    configure_static();
    Bytes segment(1600, 0x5a);
    Bytes part1(segment.begin(), segment.begin() + 1480),
        part2(segment.begin() + 1480, segment.end());
    Ipv4Fields first, second;
    first.protocol = second.protocol = 6;
    first.flags_and_offset = 0x2000;
    second.flags_and_offset = 1480 / 8;
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(first, part1)), true);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(second, part2)), true);
    auto& log = fake_tcp_log();
    ASSERT_EQ(log.segments, 1u);
    EXPECT_EQ(log.last_length, 1600u);
    EXPECT_FALSE(log.last_checksum_verified) << "a device vouches for whole packets only";
}

TEST_F(NetStack, UnknownProtocolsAndEtherTypesAreCounted) {
    configure_static();
    Ipv4Fields fields;
    fields.protocol = 47;
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(fields, Bytes(8, 0))));
    receive(ethernet_frame(device.mac, peer_mac, 0x86dd, Bytes(40, 0)));
    EXPECT_EQ(statistics().dropped_not_for_us, 2u);
}

TEST_F(NetStack, PollRunsTcpTimersAndFlushesOnlyWhenItSent) {
    configure_static();
    size_t runs = fake_tcp_log().timer_runs;
    size_t flushes = device.flushes;
    stack->poll();
    EXPECT_EQ(fake_tcp_log().timer_runs, runs + 1);
    EXPECT_EQ(device.flushes, flushes) << "nothing was sent";
    receive(ethernet_frame(MacAddress::broadcast(), peer_mac, 0x0806,
                           arp_packet(1, peer_mac, peer_address, MacAddress{}, our_address)));
    EXPECT_EQ(device.flushes, flushes + 1);
}

TEST_F(NetStack, PollTakesABoundedBatch) {
    configure_static();
    for (int i = 0; i < 300; ++i)
        device.inject(Bytes(10, 0));
    stack->poll();
    EXPECT_EQ(statistics().frames_received, 256u);
    EXPECT_EQ(device.incoming.size(), 44u);
}

TEST_F(NetStack, NextDeadlineIsTheEarliestTimer) {
    configure_static();
    EXPECT_EQ(stack->next_deadline_ns(), 0u);
    UdpSocket* socket = stack->create_udp_socket();
    Ipv4Endpoint to{peer_address, 9};
    ASSERT_FALSE(socket->send_to("x", 1, &to).is_error());
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now + ArpCache::retry_interval_ns);
    socket->close();
}

TEST_F(NetStack, CountsFramesBothWays) {
    configure_static();
    uint64_t sent_before = statistics().frames_sent;
    meet_peer();
    EXPECT_EQ(statistics().frames_received, 1u);
    EXPECT_EQ(statistics().frames_sent, sent_before + 1);
}

} // namespace
} // namespace kernel_test
