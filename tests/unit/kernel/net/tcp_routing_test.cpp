// How the stack hands TCP its segments, ICMP errors and timer runs, checked against the
// stand-in TcpLayer (fake_tcp_layer.cpp). When kernel/net/tcp/ lands, this file goes with the
// stand-in (or its cases are rewritten against the real layer: a SYN answered, say).
#include "kernel/net/net_test_support.h"

#include "fake_tcp_layer.h"
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

class NetTcpRouting : public NetStackTest {};

TEST_F(NetTcpRouting, ErrorsAboutTcpGoToTheTcpLayer) {
    configure_static();
    receive(error_about(6, 40000, 80, 3, 1));
    auto& log = fake_tcp_log();
    EXPECT_EQ(log.icmp_errors, 1u);
    EXPECT_EQ(log.last_icmp_remote, peer_address);
    EXPECT_EQ(log.last_icmp_error, kernel::EHOSTUNREACH);
    EXPECT_EQ(log.last_icmp_quoted_length, 8u);
}

TEST_F(NetTcpRouting, RoutesTcpToTheTcpLayer) {
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

TEST_F(NetTcpRouting, TcpNeverSeesBroadcastsOrSegmentsBeforeConfiguration) {
    receive(tcp_frame(Bytes(20, 0)));
    configure_static();
    receive(tcp_frame(Bytes(20, 0), Ipv4Address::limited_broadcast(), MacAddress::broadcast()));
    EXPECT_EQ(fake_tcp_log().segments, 0u);
    EXPECT_EQ(statistics().dropped_not_for_us, 2u);
}

TEST_F(NetTcpRouting, FragmentedTcpIsReassembledFirst) {
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

TEST_F(NetTcpRouting, PollRunsTcpTimersAndFlushesOnlyWhenItSent) {
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

TEST_F(NetTcpRouting, TcpToLocalhostReachesTheTcpLayer) {
    configure_static();
    // What the TCP layer sends to itself through its IpOutput.
    IpOutput& ip = *fake_tcp_log().ip;
    Bytes segment(20, 0x33);
    TransmitFragment fragment{segment.data(), segment.size()};
    ASSERT_FALSE(ip.send(Ipv4Address::any(), Ipv4Address::from_octets(127, 0, 0, 1), 6, &fragment,
                         1, nullptr)
                     .is_error());
    stack->poll();
    auto& log = fake_tcp_log();
    ASSERT_EQ(log.segments, 1u);
    EXPECT_EQ(log.last_source, Ipv4Address::from_octets(127, 0, 0, 1));
    EXPECT_EQ(log.last_destination, Ipv4Address::from_octets(127, 0, 0, 1));
    EXPECT_EQ(Bytes(log.last_segment, log.last_segment + log.last_length), segment);
    EXPECT_TRUE(device.take_sent().empty());
}

} // namespace
} // namespace kernel_test
