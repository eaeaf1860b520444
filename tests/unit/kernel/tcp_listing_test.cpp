// What /proc/net/tcp and tcp6 say of the TCP layer's sockets (TcpTable::list): listeners and
// connections with their queues and the inode of the file that holds them; not a socket that
// is only bound.
#include "kernel/tcp_harness.h"

#include <vector>

namespace {

using namespace tcp_test;
using kernel::net::SocketListing;

struct Collected final : kernel::net::SocketVisitor {
    std::vector<SocketListing> sockets;
    void visit(const SocketListing& socket) override { sockets.push_back(socket); }
};

using TcpListing = TcpHarness;

TEST_F(TcpListing, ListenersAndConnectionsWithTheirQueues) {
    TcpSocket* bound_only = layer.create_socket();
    ASSERT_OK(bound_only->bind({Ipv4Address::any(), 9999}));
    TcpSocket* connection = open_passive();
    ASSERT_NE(connection, nullptr);
    connection->set_file_inode(77);
    send_from_peer("hello");
    ASSERT_EQ(send_now(connection, "abc").size(), 3u);
    TcpSocket* waiting = layer.create_socket();
    ASSERT_OK(waiting->bind({Ipv4Address::any(), 81}));
    ASSERT_OK(waiting->listen(4));
    waiting->set_file_inode(78);

    Collected collected;
    layer.list(collected);
    ASSERT_EQ(collected.sockets.size(), 2u);
    const SocketListing* established = nullptr;
    const SocketListing* listening = nullptr;
    for (const SocketListing& socket : collected.sockets)
        (socket.state == 1 ? established : listening) = &socket;
    ASSERT_NE(established, nullptr);
    ASSERT_NE(listening, nullptr);
    EXPECT_FALSE(established->ipv6);
    EXPECT_EQ(established->local.port, server_port);
    EXPECT_EQ(established->remote, (IpEndpoint{peer, peer_port}));
    EXPECT_EQ(established->receive_queue, 5u);
    EXPECT_EQ(established->send_queue, 3u); // sent, not acknowledged
    EXPECT_EQ(established->inode, 77u);
    EXPECT_EQ(established->congestion_window, 10u);
    EXPECT_EQ(established->slow_start_threshold, -1);
    LinuxTcpInfo info;
    connection->get_info(info);
    EXPECT_EQ(established->rto_us, info.rto);
    EXPECT_EQ(listening->state, 0x0a);
    EXPECT_EQ(listening->local.port, 81);
    EXPECT_EQ(listening->inode, 78u);
    EXPECT_EQ(listening->receive_queue, 0u);

    ack_from_peer(our_next); // send_now moved our_next past the 3 bytes
    Collected after;
    layer.list(after);
    for (const SocketListing& socket : after.sockets)
        if (socket.state == 1)
            EXPECT_EQ(socket.send_queue, 0u);
    connection->close();
    waiting->close();
    bound_only->close();
}

TEST_F(TcpListing, AnAfInet6ListenerIsTcp6s) {
    use_ipv6();
    TcpSocket* listener6 = layer.create_socket(true);
    ASSERT_OK(listener6->bind({Ipv6Address::any(), 82}));
    ASSERT_OK(listener6->listen(4));
    Collected collected;
    layer.list(collected);
    ASSERT_EQ(collected.sockets.size(), 1u);
    EXPECT_TRUE(collected.sockets[0].ipv6);
    EXPECT_EQ(collected.sockets[0].inode, 0u); // no file holds it
    listener6->close();
}

} // namespace
