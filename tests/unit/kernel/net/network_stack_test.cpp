#include "kernel/net/net_test_support.h"

#include "net/ipv6.h"
#include "net/neighbour_cache.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

class NetStack : public NetStackTest {};

TEST_F(NetStack, StaticConfiguration) {
    EXPECT_FALSE(stack->is_configured());
    stack->configure(static_config());
    EXPECT_TRUE(stack->is_configured());
    EXPECT_EQ(stack->config().address, our_address);
    EXPECT_EQ(stack->config().gateway, gateway_address);
}

TEST_F(NetStack, UnknownProtocolsAndEtherTypesAreCounted) {
    configure_static();
    Ipv4Fields fields;
    fields.protocol = 47;
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(fields, Bytes(8, 0))));
    receive(ethernet_frame(device.mac, peer_mac, 0x88b5, Bytes(40, 0)));
    EXPECT_EQ(statistics().dropped_not_for_us, 2u);
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
    // IPv6 first: duplicate address detection, then three router solicitations 4 s apart.
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now + Ipv6Layer::retrans_timer_ns);
    advance(Ipv6Layer::retrans_timer_ns);
    for (unsigned i = 1; i < Ipv6Layer::max_router_solicitations; ++i) {
        EXPECT_EQ(stack->next_deadline_ns(),
                  FakeEnvironment::now + Ipv6Layer::router_solicitation_interval_ns);
        advance(Ipv6Layer::router_solicitation_interval_ns);
    }
    EXPECT_EQ(device.ipv6_frames_sent, 1u + Ipv6Layer::max_router_solicitations);
    EXPECT_EQ(stack->next_deadline_ns(), 0u);
    UdpSocket* socket = stack->create_udp_socket();
    IpEndpoint to{peer_address, 9};
    ASSERT_FALSE(socket->send_to("x", 1, &to).is_error());
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now + ArpCache::retry_interval_ns);
    socket->close();
}

// What an exiting program waits for besides TCP (net::finish_output): a datagram held for the
// next hop's ARP answer, then frames the device has not sent yet.
TEST_F(NetStack, UndeliveredOutputIncludesArpQueuesAndTheDevice) {
    configure_static();
    EXPECT_FALSE(stack->has_undelivered_output());
    UdpSocket* socket = stack->create_udp_socket();
    IpEndpoint to{peer_address, 9};
    ASSERT_FALSE(socket->send_to("x", 1, &to).is_error());
    EXPECT_TRUE(stack->has_undelivered_output()) << "waiting for the peer's ARP answer";
    meet_peer();
    EXPECT_FALSE(stack->has_undelivered_output()) << "sent once the peer made itself known";
    device.transmitting = true;
    EXPECT_TRUE(stack->has_undelivered_output());
    EXPECT_TRUE(stack->device_is_transmitting());
    device.transmitting = false;
    EXPECT_FALSE(stack->device_is_transmitting());
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
