// connect(AF_UNSPEC) on TCP (TcpSocket::disconnect, Linux's tcp_disconnect), segment by
// segment: what goes to the peer, and the socket that takes the old one's place.
#include "kernel/tcp_harness.h"

#include "sched/readiness.h"

namespace {

using namespace tcp_test;

using TcpDisconnect = TcpHarness;

TEST_F(TcpDisconnect, AConnectionResetsItsPeerAndLeavesAnUnconnectedSocket) {
    TcpSocket* socket = open_active();
    kernel::ReadinessObserver observer;
    int notified = 0;
    observer.context = &notified;
    observer.notify = [](kernel::ReadinessObserver& self, uint32_t) {
        ++*static_cast<int*>(self.context);
    };
    socket->readiness().subscribe(observer);
    socket->options().keep_idle_seconds = 33;
    TcpSocket* fresh = kernel_test::value_of(socket->disconnect());
    Sent reset = take();
    EXPECT_TRUE(reset.has(tcp_flag::rst));
    EXPECT_EQ(reset.header().sequence, our_next);
    expect_nothing_sent();
    EXPECT_GE(notified, 1) << "the observer moved to the new socket and heard of it";
    EXPECT_EQ(fresh->options().keep_idle_seconds, 33u);
    EXPECT_EQ(state_of(fresh), TcpState::closed);
    EXPECT_ERRNO(fresh->remote_endpoint(), ENOTCONN);
    EXPECT_EQ(fresh->take_error(), kernel::ECONNRESET);
    EXPECT_EQ(fresh->take_error(), 0);
    EXPECT_ERRNO(fresh->send("x", 1), EPIPE);
    // It connects again, from a new ephemeral port (its first was the stack's choice).
    EXPECT_ERRNO(fresh->connect({peer, peer_port}), EINPROGRESS);
    Sent syn = take();
    EXPECT_TRUE(syn.has(tcp_flag::syn));
    kernel::Readiness::unsubscribe(observer);
    fresh->close();
}

TEST_F(TcpDisconnect, AListenerResetsItsQueueAndKeepsItsPort) {
    TcpSocket* server = layer.create_socket(ipv6);
    ASSERT_OK(server->bind({wildcard(), server_port}));
    ASSERT_OK(server->listen(4));
    local_port = server_port;
    peer_next = 1000;
    deliver(tcp_flag::syn, peer_next, 0);
    peer_next += 1;
    Sent syn_ack = take();
    ASSERT_TRUE(syn_ack.has(tcp_flag::syn | tcp_flag::ack));
    our_next = syn_ack.header().sequence + 1;
    TcpSocket* fresh = kernel_test::value_of(server->disconnect());
    EXPECT_TRUE(take().has(tcp_flag::rst)) << "the half-open client hears a reset";
    EXPECT_EQ(fresh->take_error(), 0);
    EXPECT_EQ(fresh->local_endpoint().port, server_port);
    EXPECT_ERRNO(fresh->accept(), EINVAL);
    // Not listening, a SYN is refused; listening again on the kept port, one is answered.
    deliver(tcp_flag::syn, 5000, 0);
    EXPECT_TRUE(take().has(tcp_flag::rst));
    ASSERT_OK(fresh->listen(4));
    EXPECT_EQ(fresh->local_endpoint().port, server_port);
    deliver(tcp_flag::syn, 7000, 0);
    EXPECT_TRUE(take().has(tcp_flag::syn | tcp_flag::ack));
    fresh->close();
}

TEST_F(TcpDisconnect, ANeverConnectedSocketKeepsWhatItWasBoundTo) {
    TcpSocket* socket = layer.create_socket(ipv6);
    ASSERT_OK(socket->bind({wildcard(), 4321}));
    TcpSocket* fresh = kernel_test::value_of(socket->disconnect());
    expect_nothing_sent();
    EXPECT_EQ(fresh->take_error(), 0);
    EXPECT_EQ(fresh->local_endpoint().port, 4321);
    // The port is the new socket's alone: another bind to it conflicts.
    TcpSocket* other = layer.create_socket(ipv6);
    EXPECT_ERRNO(other->bind({wildcard(), 4321}), EADDRINUSE);
    other->close();
    fresh->close();
}

} // namespace
