#include "kernel/net/net_test_support.h"

#include "net/ipv4.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

Bytes valid_packet() {
    return ipv4_packet({}, udp_datagram(peer_address, our_address, 1000, 2000, bytes_of("hi")));
}

void fix_header_checksum(Bytes& packet) {
    size_t header_length = size_t(packet[0] & 0xf) * 4;
    store_be16(packet.data() + 10, 0);
    if (header_length <= packet.size())
        store_be16(packet.data() + 10, internet_checksum(packet.data(), header_length));
}

Ipv4HeaderCheck check(const Bytes& packet) {
    Ipv4Header header;
    return parse_ipv4_header(packet.data(), packet.size(), header);
}

TEST(NetIpv4Header, ParsesAValidHeader) {
    Bytes packet = valid_packet();
    Ipv4Header header;
    ASSERT_EQ(parse_ipv4_header(packet.data(), packet.size(), header), Ipv4HeaderCheck::valid);
    EXPECT_EQ(header.header_length, 20u);
    EXPECT_EQ(header.total_length, packet.size());
    EXPECT_EQ(header.identification, 0x1234);
    EXPECT_EQ(header.protocol, 17);
    EXPECT_EQ(header.source, peer_address);
    EXPECT_EQ(header.destination, our_address);
    EXPECT_FALSE(header.more_fragments);
}

TEST(NetIpv4Header, AcceptsOptionsAndLinkPadding) {
    Bytes packet = valid_packet();
    // Four bytes of options (NOPs), then Ethernet's minimum-frame padding after the datagram.
    packet.insert(packet.begin() + 20, {1, 1, 1, 1});
    packet[0] = 0x46;
    store_be16(packet.data() + 2, static_cast<uint16_t>(packet.size()));
    fix_header_checksum(packet);
    packet.resize(packet.size() + 10, 0);
    Ipv4Header header;
    ASSERT_EQ(parse_ipv4_header(packet.data(), packet.size(), header), Ipv4HeaderCheck::valid);
    EXPECT_EQ(header.header_length, 24u);
    EXPECT_EQ(header.total_length, packet.size() - 10);
}

TEST(NetIpv4Header, RejectsEveryBadField) {
    Bytes packet = valid_packet();
    EXPECT_EQ(check(Bytes(packet.begin(), packet.begin() + 19)), Ipv4HeaderCheck::truncated);

    Bytes version = packet;
    version[0] = 0x65;
    fix_header_checksum(version);
    EXPECT_EQ(check(version), Ipv4HeaderCheck::bad_version);

    Bytes short_ihl = packet;
    short_ihl[0] = 0x44;
    EXPECT_EQ(check(short_ihl), Ipv4HeaderCheck::bad_header_length);

    Bytes long_ihl = packet;
    long_ihl[0] = 0x4f; // 60 bytes of header in a 30-byte packet
    EXPECT_EQ(check(long_ihl), Ipv4HeaderCheck::truncated);

    Bytes total_too_small = packet;
    store_be16(total_too_small.data() + 2, 19);
    fix_header_checksum(total_too_small);
    EXPECT_EQ(check(total_too_small), Ipv4HeaderCheck::bad_total_length);

    Bytes total_too_large = packet;
    store_be16(total_too_large.data() + 2, static_cast<uint16_t>(packet.size() + 1));
    fix_header_checksum(total_too_large);
    EXPECT_EQ(check(total_too_large), Ipv4HeaderCheck::truncated);

    Bytes checksum = packet;
    checksum[10] ^= 1;
    EXPECT_EQ(check(checksum), Ipv4HeaderCheck::bad_checksum);

    Bytes reserved_flag = packet;
    store_be16(reserved_flag.data() + 6, 0x8000);
    fix_header_checksum(reserved_flag);
    EXPECT_EQ(check(reserved_flag), Ipv4HeaderCheck::bad_fragment);

    Bytes past_64k = packet;
    store_be16(past_64k.data() + 6, 0x1fff);
    fix_header_checksum(past_64k);
    EXPECT_EQ(check(past_64k), Ipv4HeaderCheck::bad_fragment);

    Bytes unaligned_more = packet; // 10 bytes of payload, more fragments to come
    store_be16(unaligned_more.data() + 6, 0x2000);
    fix_header_checksum(unaligned_more);
    EXPECT_EQ(check(unaligned_more), Ipv4HeaderCheck::bad_fragment);

    for (Ipv4Address source :
         {Ipv4Address::limited_broadcast(), Ipv4Address::from_octets(224, 0, 0, 1)}) {
        Bytes bad_source = packet;
        store_be32(bad_source.data() + 12, source.value);
        fix_header_checksum(bad_source);
        EXPECT_EQ(check(bad_source), Ipv4HeaderCheck::bad_source);
    }
}

TEST(NetIpv4Header, WritesWhatItParses) {
    Ipv4Header header;
    header.total_length = 100;
    header.identification = 7;
    header.more_fragments = true;
    header.fragment_offset = 1480;
    header.protocol = 17;
    header.source = our_address;
    header.destination = remote_address;
    Bytes packet(100);
    write_ipv4_header(packet.data(), header);
    Ipv4Header parsed;
    ASSERT_EQ(parse_ipv4_header(packet.data(), packet.size(), parsed), Ipv4HeaderCheck::valid);
    EXPECT_EQ(parsed.fragment_offset, 1480u);
    EXPECT_TRUE(parsed.more_fragments);
    EXPECT_EQ(parsed.destination, remote_address);
    EXPECT_EQ(parsed.time_to_live, 64);
}

class NetIpv4 : public NetStackTest {};

TEST_F(NetIpv4, CountsWhatItDrops) {
    configure_static();
    Bytes packet = valid_packet();
    Bytes checksum = packet;
    checksum[10] ^= 0x40;
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, checksum));
    EXPECT_EQ(statistics().dropped_bad_checksum, 1u);

    receive(ethernet_frame(device.mac, peer_mac, 0x0800, Bytes(packet.begin(), packet.end() - 1)));
    EXPECT_EQ(statistics().dropped_malformed, 1u);

    Ipv4Fields elsewhere;
    elsewhere.destination = Ipv4Address::from_octets(10, 0, 2, 99);
    receive(ethernet_frame(device.mac, peer_mac, 0x0800, ipv4_packet(elsewhere, {1, 2, 3, 4})));
    EXPECT_EQ(statistics().dropped_not_for_us, 1u);

    MacAddress other_mac{{0x02, 9, 9, 9, 9, 9}};
    receive(ethernet_frame(other_mac, peer_mac, 0x0800, packet));
    EXPECT_EQ(statistics().dropped_not_for_us, 2u);

    receive(Bytes(13, 0xff));
    EXPECT_EQ(statistics().dropped_malformed, 2u);
    EXPECT_EQ(statistics().frames_received, 5u);
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetIpv4, FragmentsDatagramsLargerThanTheMtu) {
    configure_static();
    meet_peer();
    UdpSocket* socket = stack->create_udp_socket();
    Bytes data(4000);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<uint8_t>(i);
    IpEndpoint to{peer_address, 9};
    ASSERT_FALSE(socket->send_to(data.data(), data.size(), &to).is_error());
    stack->poll();
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 3u);
    Bytes reassembled;
    uint16_t identification = parse_frame(sent[0].bytes).identification;
    for (size_t i = 0; i < sent.size(); ++i) {
        auto frame = parse_frame(sent[i].bytes);
        EXPECT_LE(frame.payload.size(), 1500u);
        EXPECT_EQ(frame.identification, identification);
        size_t offset = size_t(frame.flags_and_offset & 0x1fff) * 8;
        bool more = frame.flags_and_offset & 0x2000;
        EXPECT_EQ(offset, reassembled.size());
        EXPECT_EQ(more, i + 1 < sent.size());
        reassembled.insert(reassembled.end(), frame.ip_payload.begin(), frame.ip_payload.end());
    }
    ASSERT_EQ(reassembled.size(), 8 + data.size());
    EXPECT_EQ(Bytes(reassembled.begin() + 8, reassembled.end()), data);
    ChecksumAccumulator sum(pseudo_header_sum(our_address, peer_address, 17,
                                              static_cast<uint16_t>(reassembled.size())));
    sum.add(reassembled.data(), reassembled.size());
    EXPECT_EQ(sum.checksum(), 0) << "the UDP checksum covers the whole datagram";
    socket->close();
}

TEST_F(NetIpv4, FragmentingFinishesAnOffloadedChecksum) {
    device.checksum_offload = true;
    configure_static();
    meet_peer();
    UdpSocket* socket = stack->create_udp_socket();
    Bytes data(3000, 0xab);
    IpEndpoint to{peer_address, 9};
    ASSERT_FALSE(socket->send_to(data.data(), data.size(), &to).is_error());
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 3u);
    Bytes reassembled;
    for (auto& frame : sent) {
        EXPECT_FALSE(frame.checksum_requested);
        auto parsed = parse_frame(frame.bytes);
        reassembled.insert(reassembled.end(), parsed.ip_payload.begin(), parsed.ip_payload.end());
    }
    ChecksumAccumulator sum(pseudo_header_sum(our_address, peer_address, 17,
                                              static_cast<uint16_t>(reassembled.size())));
    sum.add(reassembled.data(), reassembled.size());
    EXPECT_EQ(sum.checksum(), 0);
    socket->close();
}

TEST_F(NetIpv4, NoRouteWithoutAGateway) {
    InterfaceConfig config = static_config();
    config.gateway = {};
    stack->configure(config);
    UdpSocket* socket = stack->create_udp_socket();
    IpEndpoint to{remote_address, 9};
    EXPECT_ERRNO(socket->send_to("x", 1, &to), ENETUNREACH);
    IpEndpoint multicast{Ipv4Address::from_octets(224, 0, 0, 251), 5353};
    EXPECT_ERRNO(socket->send_to("x", 1, &multicast), ENETUNREACH);
    socket->close();
}

TEST_F(NetIpv4, UnconfiguredSendsOnlyBroadcasts) {
    UdpSocket* socket = stack->create_udp_socket();
    IpEndpoint to{peer_address, 9};
    EXPECT_ERRNO(socket->send_to("x", 1, &to), ENETUNREACH);
    IpEndpoint broadcast{Ipv4Address::limited_broadcast(), 9};
    ASSERT_FALSE(socket->send_to("x", 1, &broadcast).is_error());
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    auto frame = parse_frame(sent[0].bytes);
    EXPECT_EQ(frame.destination, MacAddress::broadcast());
    EXPECT_EQ(frame.ip_source, Ipv4Address::any());
    socket->close();
}

TEST_F(NetIpv4, AFullDeviceQueueIsFlushedAndRetried) {
    configure_static();
    meet_peer();
    UdpSocket* socket = stack->create_udp_socket();
    IpEndpoint to{peer_address, 9};
    device.transmit_full = true;
    size_t flushes = device.flushes;
    EXPECT_ERRNO(socket->send_to("x", 1, &to), EAGAIN);
    EXPECT_GT(device.flushes, flushes);
    EXPECT_EQ(stack->statistics().dropped_device_full, 1u);
    device.transmit_full = false;
    ASSERT_FALSE(socket->send_to("x", 1, &to).is_error());
    socket->close();
}

} // namespace
} // namespace kernel_test
