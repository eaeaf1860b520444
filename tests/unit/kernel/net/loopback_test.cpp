#include "kernel/net/net_test_support.h"

#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

const Ipv4Address localhost = Ipv4Address::from_octets(127, 0, 0, 1);

class NetLoopback : public NetStackTest {
protected:
    void TearDown() override {
        for (UdpSocket* socket : sockets)
            socket->close();
    }
    UdpSocket* bound_socket(Ipv4Endpoint local) {
        UdpSocket* socket = stack->create_udp_socket();
        sockets.push_back(socket);
        EXPECT_OK(socket->bind(local));
        return socket;
    }
    std::vector<UdpSocket*> sockets;
};

TEST_F(NetLoopback, UdpToLocalhostNeverTouchesTheDevice) {
    configure_static();
    UdpSocket* server = bound_socket({localhost, 53});
    UdpSocket* client = bound_socket({Ipv4Address::any(), 0});
    IpEndpoint to{localhost, 53};
    ASSERT_FALSE(client->send_to("query", 5, &to).is_error());
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now) << "delivery is due at once";
    stack->poll();
    EXPECT_TRUE(device.take_sent().empty());
    char buffer[16];
    auto received = value_of(server->receive_from(buffer, sizeof buffer, false));
    EXPECT_EQ(std::string(buffer, received.copied), "query");
    EXPECT_EQ(received.from.address, localhost);
    EXPECT_EQ(received.from.port, client->local_endpoint().port);

    ASSERT_FALSE(server->send_to("answer", 6, &received.from).is_error());
    stack->poll();
    auto answer = value_of(client->receive_from(buffer, sizeof buffer, false));
    EXPECT_EQ(std::string(buffer, answer.copied), "answer");
    EXPECT_EQ(answer.from, (Ipv4Endpoint{localhost, 53}));
}

TEST_F(NetLoopback, OurOwnAddressLoopsBackToo) {
    configure_static();
    UdpSocket* server = bound_socket({Ipv4Address::any(), 7});
    IpEndpoint to{our_address, 7};
    Bytes big(5000, 0x11);
    ASSERT_FALSE(server->send_to(big.data(), big.size(), &to).is_error());
    stack->poll();
    EXPECT_TRUE(device.take_sent().empty());
    EXPECT_EQ(server->readable_bytes(), big.size()) << "whole: nothing fragments on loopback";
}

TEST_F(NetLoopback, ClosedLocalPortRefusesAConnectedSocket) {
    configure_static();
    UdpSocket* client = bound_socket({Ipv4Address::any(), 0});
    ASSERT_OK(client->connect({localhost, 9}));
    ASSERT_FALSE(client->send_to("x", 1, nullptr).is_error());
    stack->poll(); // the datagram finds no port; the ICMP error is queued
    stack->poll(); // and arrives
    EXPECT_EQ(client->take_error(), kernel::ECONNREFUSED);
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetLoopback, LoopbackAddressesFromTheWireAreDropped) {
    configure_static();
    UdpSocket* server = bound_socket({Ipv4Address::any(), 53});
    Ipv4Fields fields;
    fields.destination = localhost;
    receive(ethernet_frame(
        our_mac, peer_mac, 0x0800,
        ipv4_packet(fields, udp_datagram(peer_address, localhost, 1, 53, bytes_of("spoof")))));
    EXPECT_EQ(server->readable_bytes(), 0u);
    EXPECT_EQ(statistics().dropped_not_for_us, 1u);
}

TEST_F(NetLoopback, WorksBeforeConfiguration) {
    UdpSocket* server = bound_socket({localhost, 53});
    UdpSocket* client = bound_socket({Ipv4Address::any(), 0});
    IpEndpoint to{localhost, 53};
    ASSERT_FALSE(client->send_to("early", 5, &to).is_error());
    stack->poll();
    EXPECT_EQ(server->readable_bytes(), 5u);
}

} // namespace
} // namespace kernel_test
