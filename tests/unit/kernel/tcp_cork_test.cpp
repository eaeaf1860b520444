#include "kernel/tcp_harness.h"

namespace {

using namespace tcp_test;

using TcpCork = TcpHarness;

TEST_F(TcpCork, CorkHoldsAPartialSegmentUntilRemoved) {
    TcpSocket* socket = open_passive();
    socket->options().cork = true;
    socket->options().no_delay = true; // the cork wins while it is in
    socket->options_changed();
    EXPECT_EQ(send_now(socket, "head"), "");
    EXPECT_EQ(send_now(socket, "ers"), "");
    advance(100 * ms);
    expect_nothing_sent();
    socket->options().cork = false;
    socket->options_changed();
    Sent segment = take();
    EXPECT_EQ(segment.payload(), "headers");
    EXPECT_EQ(segment.header().sequence, our_next);
    socket->close();
}

TEST_F(TcpCork, FullSegmentsGoAndTheRestWaitsAtMost200Ms) {
    TcpOptions syn_options;
    syn_options.has_mss = true;
    syn_options.mss = 1460;
    TcpSocket* socket = open_passive(syn_options);
    socket->options().cork = true;
    socket->options_changed();
    std::string data(1460 + 100, 'c');
    ASSERT_EQ(kernel_test::value_of(socket->send(data.data(), data.size())), data.size());
    Sent full = take();
    EXPECT_EQ(full.payload().size(), 1460u);
    expect_nothing_sent();
    ack_from_peer(our_next + 1460); // an ACK does not uncork
    expect_nothing_sent();
    advance_in_steps(190 * ms);
    expect_nothing_sent();
    advance_in_steps(20 * ms);
    Sent rest = take();
    EXPECT_EQ(rest.payload().size(), 100u);
    EXPECT_EQ(rest.header().sequence, our_next + 1460);
    socket->close();
}

TEST_F(TcpCork, MsgMoreHoldsUntilASendWithoutIt) {
    TcpSocket* socket = open_passive();
    socket->options().no_delay = true;
    socket->options_changed();
    ASSERT_EQ(kernel_test::value_of(socket->send("GET ", 4, true)), 4u);
    expect_nothing_sent();
    ASSERT_EQ(kernel_test::value_of(socket->send("/ HTTP/1.1\r\n\r\n", 14, false)), 14u);
    Sent segment = take();
    EXPECT_EQ(segment.payload(), "GET / HTTP/1.1\r\n\r\n");
    expect_nothing_sent();
    socket->close();
}

TEST_F(TcpCork, CloseSendsWhatTheCorkHeld) {
    TcpSocket* socket = open_passive();
    socket->options().cork = true;
    socket->options_changed();
    EXPECT_EQ(send_now(socket, "bye"), "");
    socket->close();
    Sent segment = take();
    EXPECT_EQ(segment.payload(), "bye");
    EXPECT_TRUE(segment.has(tcp_flag::fin));
}

} // namespace
