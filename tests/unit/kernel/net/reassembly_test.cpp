#include "kernel/net/net_test_support.h"

#include "net/neighbour_cache.h"
#include "net/reassembly.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

class NetReassembler : public ::testing::Test {
protected:
    // Adds data[offset, offset + length); returns the whole datagram when complete.
    Bytes add(const Bytes& data, size_t offset, size_t length, bool more, uint64_t now = 0,
              uint16_t identification = 1) {
        FragmentKey key{peer_address, our_address, 17, identification};
        PacketBuffer* whole =
            reassembler.add(key, {offset, more, data.data() + offset, length}, now).packet;
        if (!whole)
            return {};
        Bytes result(whole->data(), whole->data() + whole->length);
        PacketBuffer::destroy(whole);
        return result;
    }

    StackStatistics statistics;
    Reassembler reassembler{statistics, Reassembler::ipv4_timeout_ns};
    Bytes data = pattern(3000);
};

TEST_F(NetReassembler, InOrder) {
    EXPECT_TRUE(add(data, 0, 1480, true).empty());
    EXPECT_TRUE(add(data, 1480, 1480, true).empty());
    EXPECT_EQ(add(data, 2960, 40, false), data);
    EXPECT_EQ(statistics.fragments_reassembled, 1u);
    EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);
    EXPECT_EQ(reassembler.bytes_held(), 0u);
}

TEST_F(NetReassembler, OutOfOrder) {
    EXPECT_TRUE(add(data, 2960, 40, false).empty());
    EXPECT_TRUE(add(data, 0, 1480, true).empty());
    EXPECT_EQ(add(data, 1480, 1480, true), data);
}

TEST_F(NetReassembler, KeepsDatagramsApart) {
    EXPECT_TRUE(add(data, 0, 1480, true, 0, 1).empty());
    EXPECT_TRUE(add(data, 0, 1480, true, 0, 2).empty());
    EXPECT_EQ(reassembler.datagrams_in_progress(), 2u);
    EXPECT_TRUE(add(data, 1480, 1520, false, 0, 2).size() == 3000);
    EXPECT_EQ(reassembler.datagrams_in_progress(), 1u);
}

TEST_F(NetReassembler, OverlapDropsTheWholeDatagram) {
    EXPECT_TRUE(add(data, 0, 1480, true).empty());
    EXPECT_TRUE(add(data, 1472, 1480, true).empty());
    EXPECT_EQ(statistics.fragments_dropped, 2u);
    EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);
    EXPECT_EQ(reassembler.bytes_held(), 0u);
    // What follows starts a new datagram that never completes from the old pieces.
    EXPECT_TRUE(add(data, 2960, 40, false).empty());
}

TEST_F(NetReassembler, ExactDuplicateCountsAsOverlap) {
    EXPECT_TRUE(add(data, 0, 1480, true).empty());
    EXPECT_TRUE(add(data, 0, 1480, true).empty());
    EXPECT_EQ(statistics.fragments_dropped, 2u);
}

TEST_F(NetReassembler, InconsistentEndsDropTheDatagram) {
    EXPECT_TRUE(add(data, 1480, 40, false).empty());
    EXPECT_TRUE(add(data, 1480, 80, false).empty()) << "a second, different last fragment";
    EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);

    EXPECT_TRUE(add(data, 0, 1480, true).empty());
    EXPECT_TRUE(add(data, 800, 0, false).empty()) << "ends before data already held";
    EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);

    EXPECT_TRUE(add(data, 80, 40, false).empty());
    EXPECT_TRUE(add(data, 160, 8, true).empty()) << "data past the end";
    EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);
}

TEST_F(NetReassembler, TimesOut) {
    EXPECT_TRUE(add(data, 0, 1480, true, 100).empty());
    EXPECT_EQ(reassembler.next_deadline_ns(), 100 + Reassembler::ipv4_timeout_ns);
    reassembler.run_timers(100 + Reassembler::ipv4_timeout_ns - 1);
    EXPECT_EQ(reassembler.datagrams_in_progress(), 1u);
    reassembler.run_timers(100 + Reassembler::ipv4_timeout_ns);
    EXPECT_EQ(reassembler.datagrams_in_progress(), 0u);
    EXPECT_EQ(reassembler.bytes_held(), 0u);
    EXPECT_EQ(statistics.fragments_dropped, 1u);
    EXPECT_EQ(reassembler.next_deadline_ns(), 0u);
}

TEST_F(NetReassembler, LimitsConcurrentDatagrams) {
    for (uint16_t id = 0; id < Reassembler::max_datagrams; ++id)
        EXPECT_TRUE(add(data, 0, 8, true, 0, id).empty());
    EXPECT_TRUE(add(data, 0, 8, true, 0, 999).empty());
    EXPECT_EQ(reassembler.datagrams_in_progress(), Reassembler::max_datagrams);
    EXPECT_EQ(statistics.fragments_dropped, 1u);
}

TEST_F(NetReassembler, CapsTheMemoryHeld) {
    Bytes big = pattern(65000);
    size_t held = 0;
    uint16_t id = 0;
    while (held + 60000 <= Reassembler::max_bytes) {
        EXPECT_TRUE(add(big, 0, 60000, true, 0, id++).empty());
        held += 60000;
    }
    EXPECT_EQ(reassembler.bytes_held(), held);
    EXPECT_TRUE(add(big, 0, 60000, true, 0, id).empty());
    EXPECT_EQ(reassembler.bytes_held(), held);
    EXPECT_EQ(statistics.fragments_dropped, 1u);
    EXPECT_EQ(reassembler.datagrams_in_progress(), size_t(id)) << "the refused one is forgotten";
}

// IPv6's use: room for the header in front, and the first fragment's next header given back.
TEST_F(NetReassembler, LeavesHeadroomAndReturnsTheFirstNextHeader) {
    Reassembler six{statistics, Reassembler::ipv6_timeout_ns, 40};
    FragmentKey key{peer_address, our_address, 0, 0x12345678};
    EXPECT_EQ(six.add(key, {1480, false, data.data() + 1480, 1520, 6}, 0).packet, nullptr);
    Reassembled whole = six.add(key, {0, true, data.data(), 1480, 17}, 0);
    ASSERT_NE(whole.packet, nullptr);
    EXPECT_EQ(whole.next_header, 17);
    ASSERT_EQ(whole.packet->length, 40u + data.size());
    EXPECT_EQ(Bytes(whole.packet->data() + 40, whole.packet->data() + whole.packet->length), data);
    PacketBuffer::destroy(whole.packet);
    EXPECT_EQ(six.add(key, {0, true, data.data(), 8}, 0).packet, nullptr);
    EXPECT_EQ(six.next_deadline_ns(), Reassembler::ipv6_timeout_ns);
}

class NetReassembly : public NetStackTest {};

TEST_F(NetReassembly, FragmentedUdpReachesTheSocket) {
    configure_static();
    UdpSocket* socket = stack->create_udp_socket();
    ASSERT_OK(socket->bind({Ipv4Address::any(), 5000}));
    Bytes payload = pattern(2500);
    Bytes datagram = udp_datagram(peer_address, our_address, 4000, 5000, payload);
    Ipv4Fields first, second;
    first.flags_and_offset = 0x2000;
    second.flags_and_offset = 1480 / 8;
    Bytes part1(datagram.begin(), datagram.begin() + 1480);
    Bytes part2(datagram.begin() + 1480, datagram.end());
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(second, part2)));
    EXPECT_EQ(socket->readable_bytes(), 0u);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(first, part1)));
    EXPECT_EQ(statistics().fragments_reassembled, 1u);
    ASSERT_EQ(socket->readable_bytes(), payload.size());
    Bytes buffer(3000);
    auto received = value_of(socket->receive_from(buffer.data(), buffer.size(), false));
    EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + received.copied), payload);
    socket->close();
}

TEST_F(NetReassembly, AbandonedFragmentsExpireThroughPoll) {
    configure_static();
    settle_ipv6();
    Ipv4Fields first;
    first.flags_and_offset = 0x2000;
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(first, pattern(1480))));
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now + Reassembler::ipv4_timeout_ns);
    device.take_sent();
    advance(Reassembler::ipv4_timeout_ns);
    EXPECT_EQ(statistics().fragments_dropped, 1u);
    // What is left is the time exceeded the sender is owed, waiting for its ARP answer.
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).type, 0x0806);
    EXPECT_EQ(stack->next_deadline_ns(), FakeEnvironment::now + ArpCache::retry_interval_ns);
}

// RFC 1122 3.3.2: the sender of a datagram given up after its first fragment arrived hears of
// it, the first fragment's header and 8 bytes quoted; without the first fragment, nothing.
TEST_F(NetReassembly, AnAbandonedDatagramEarnsTimeExceeded) {
    configure_static();
    meet_peer();
    Ipv4Fields first, later;
    first.flags_and_offset = 0x2000;
    later.identification = 0x4321;
    later.flags_and_offset = 1480 / 8;
    Bytes data = pattern(1480);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(first, data)));
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(later, pattern(100))));
    device.take_sent();
    advance(Reassembler::ipv4_timeout_ns);
    EXPECT_EQ(statistics().fragments_dropped, 2u);
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    ParsedFrame error = parse_frame(sent[0].bytes);
    EXPECT_EQ(error.protocol, 1);
    EXPECT_EQ(error.ip_destination, peer_address);
    ASSERT_EQ(error.ip_payload.size(), 8u + 20 + 8);
    EXPECT_EQ(error.ip_payload[0], 11);
    EXPECT_EQ(error.ip_payload[1], 1);
    EXPECT_TRUE(transport_checksum_ok(error));
    EXPECT_EQ(load_be16(error.ip_payload.data() + 8 + 4), 0x1234) << "the identification";
    EXPECT_EQ(error.ip_payload[8 + 9], 17) << "the protocol";
    EXPECT_EQ(Bytes(error.ip_payload.begin() + 28, error.ip_payload.end()),
              Bytes(data.begin(), data.begin() + 8));
}

} // namespace
} // namespace kernel_test
