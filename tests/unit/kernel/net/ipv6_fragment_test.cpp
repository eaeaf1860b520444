// IPv6 fragmentation both ways (RFC 8200 4.5): reassembly of what a peer fragments, the checks
// a receiver makes (RFC 5722, RFC 6946, RFC 7112), and fragmenting at the source what is longer
// than the path.
#include "kernel/net/net_test_support.h"

#include "net/checksum.h"
#include "net/icmpv6.h"
#include "net/ipv6_address.h"
#include "net/ipv6_header.h"
#include "net/reassembly.h"
#include "net/stack.h"

#include <map>
#include <optional>

namespace kernel_test {
namespace {

using namespace kernel::net;

// A UDP datagram (header and payload, checksummed) from the peer to us.
Bytes udp_datagram6(uint16_t source_port, uint16_t destination_port, const Bytes& payload) {
    Bytes datagram(8);
    store_be16(datagram.data(), source_port);
    store_be16(datagram.data() + 2, destination_port);
    store_be16(datagram.data() + 4, static_cast<uint16_t>(8 + payload.size()));
    datagram.insert(datagram.end(), payload.begin(), payload.end());
    uint16_t sum = transport_checksum6(peer_address6, our_address6, 17, datagram);
    store_be16(datagram.data() + 6, sum == 0 ? 0xffff : sum);
    return datagram;
}

// An ICMPv6 echo request from the peer carrying `data`.
Bytes echo_request6(const Bytes& data) {
    Bytes message{128, 0, 0, 0, 0x12, 0x34, 0, 1};
    message.insert(message.end(), data.begin(), data.end());
    store_be16(message.data() + 2, transport_checksum6(peer_address6, our_address6, 58, message));
    return message;
}

// One fragment of `whole` (the fragmentable part) from the peer: bytes [offset, offset + length)
// behind a fragment header naming `next_header`.
Bytes fragment6(const Bytes& whole, size_t offset, size_t length, bool more, uint32_t id,
                uint8_t next_header = 17, const Ipv6Address& destination = our_address6,
                MacAddress mac = our_mac) {
    Bytes payload{next_header, 0, 0, 0, 0, 0, 0, 0};
    store_be16(payload.data() + 2, static_cast<uint16_t>(offset | (more ? 1 : 0)));
    store_be32(payload.data() + 4, id);
    payload.insert(payload.end(), whole.begin() + static_cast<long>(offset),
                   whole.begin() + static_cast<long>(offset + length));
    return ipv6_frame(peer_address6, destination, 44, payload, mac);
}

class NetIpv6Fragments : public NetStackTest {
protected:
    void SetUp() override { configure_ipv6_peer(); }
    void TearDown() override {
        if (socket)
            socket->close();
    }
    void open_udp(uint16_t port) {
        socket = stack->create_udp_socket(true);
        ASSERT_NE(socket, nullptr);
        ASSERT_OK(socket->bind({Ipv6Address::any(), port}));
    }
    // The peer's router says the path carries `mtu` bytes, quoting a UDP packet we sent.
    void receive_packet_too_big(uint32_t mtu) {
        Bytes body(4);
        store_be32(body.data(), mtu);
        Bytes quoted = ipv6_frame(our_address6, peer_address6, 17, Bytes(8));
        body.insert(body.end(), quoted.begin() + 14, quoted.end());
        Bytes message{2, 0, 0, 0};
        message.insert(message.end(), body.begin(), body.end());
        store_be16(message.data() + 2,
                   transport_checksum6(peer_address6, our_address6, 58, message));
        receive(ipv6_frame(peer_address6, our_address6, 58, message));
    }
    Bytes read() {
        Bytes buffer(70000);
        auto received = socket->receive_from(buffer.data(), buffer.size(), false);
        if (received.is_error())
            return {};
        buffer.resize(received.value().copied);
        return buffer;
    }

    // The fragments the stack sent, checked one by one and put back together: the next header
    // they name and the fragmentable part. Every one fits `mtu`, shares one identification,
    // and all but the last carry a multiple of 8 bytes.
    struct Joined {
        uint8_t next_header = 0;
        Bytes payload;
        size_t count = 0;
    };
    Joined join(const std::vector<TransmittedFrame>& frames, size_t mtu = 1500) {
        Joined joined;
        std::map<size_t, Bytes> pieces;
        std::optional<uint32_t> id;
        size_t end = 0;
        for (auto& frame : frames) {
            Sent6 sent = parse6(frame);
            EXPECT_LE(frame.bytes.size() - 14, mtu);
            EXPECT_EQ(sent.header.next_header, 44);
            EXPECT_FALSE(frame.checksum_requested) << "no device sees the datagram whole";
            uint16_t offset_and_flags = load_be16(sent.payload.data() + 2);
            uint32_t this_id = load_be32(sent.payload.data() + 4);
            EXPECT_EQ(this_id, id.value_or(this_id));
            id = this_id;
            joined.next_header = sent.payload[0];
            Bytes data(sent.payload.begin() + 8, sent.payload.end());
            size_t offset = offset_and_flags & 0xfff8;
            if (offset_and_flags & 1) {
                EXPECT_EQ(data.size() % 8, 0u);
            } else {
                end = offset + data.size();
            }
            pieces[offset] = data;
        }
        for (auto& [offset, data] : pieces) {
            EXPECT_EQ(offset, joined.payload.size()) << "no gaps, no overlaps";
            joined.payload.insert(joined.payload.end(), data.begin(), data.end());
        }
        EXPECT_EQ(joined.payload.size(), end);
        joined.count = frames.size();
        return joined;
    }
    // The ICMPv6 time exceeded messages among what was sent since the last call (beside them
    // may go solicitations and ARP requests re-verifying the peer, whose entries are as old).
    std::vector<Sent6> time_exceeded_sent() {
        std::vector<Sent6> errors;
        for (auto& frame : device.take_sent()) {
            if (load_be16(frame.bytes.data() + 12) != 0x86dd)
                continue;
            Sent6 packet = parse6(frame);
            if (packet.header.next_header == 58 && packet.payload[0] == icmpv6_type::time_exceeded)
                errors.push_back(packet);
        }
        return errors;
    }
    // The parameter problem we sent: code and pointer.
    std::pair<uint8_t, uint32_t> parameter_problem() {
        auto sent = device.take_sent();
        EXPECT_EQ(sent.size(), 1u);
        if (sent.size() != 1)
            return {0xff, 0};
        Sent6 error = parse6(sent[0]);
        EXPECT_EQ(error.payload[0], icmpv6_type::parameter_problem);
        return {error.payload[1], load_be32(error.payload.data() + 4)};
    }

    UdpSocket* socket = nullptr;
};

TEST_F(NetIpv6Fragments, ReassemblesADatagramArrivingOutOfOrder) {
    open_udp(5000);
    Bytes payload = pattern(3000);
    Bytes datagram = udp_datagram6(4000, 5000, payload);
    receive(fragment6(datagram, 2896, datagram.size() - 2896, false, 7));
    receive(fragment6(datagram, 1448, 1448, true, 7));
    EXPECT_EQ(socket->readable_bytes(), 0u);
    receive(fragment6(datagram, 0, 1448, true, 7));
    EXPECT_EQ(statistics().fragments_reassembled, 1u);
    EXPECT_EQ(read(), payload);
}

TEST_F(NetIpv6Fragments, KeepsDatagramsOfOtherSendersApart) {
    open_udp(5000);
    Bytes one = udp_datagram6(4000, 5000, pattern(2000));
    Bytes two = udp_datagram6(4000, 5000, Bytes(2000, 0x22));
    receive(fragment6(one, 0, 1448, true, 1));
    receive(fragment6(two, 0, 1448, true, 2));
    receive(fragment6(two, 1448, two.size() - 1448, false, 2));
    EXPECT_EQ(read(), Bytes(2000, 0x22));
    receive(fragment6(one, 1448, one.size() - 1448, false, 1));
    EXPECT_EQ(read(), pattern(2000));
}

// Only the first fragment's next header counts (RFC 8200 4.5).
TEST_F(NetIpv6Fragments, TakesTheNextHeaderFromTheFirstFragment) {
    open_udp(5000);
    Bytes datagram = udp_datagram6(4000, 5000, pattern(2000));
    receive(fragment6(datagram, 1448, datagram.size() - 1448, false, 3, 6));
    receive(fragment6(datagram, 0, 1448, true, 3, 17));
    EXPECT_EQ(read(), pattern(2000));
}

TEST_F(NetIpv6Fragments, OverlapsDropTheWholeDatagram) {
    open_udp(5000);
    Bytes datagram = udp_datagram6(4000, 5000, pattern(3000));
    receive(fragment6(datagram, 0, 1448, true, 9));
    receive(fragment6(datagram, 1440, 1448, true, 9));
    receive(fragment6(datagram, 2888, datagram.size() - 2888, false, 9));
    EXPECT_EQ(socket->readable_bytes(), 0u);
    EXPECT_EQ(statistics().fragments_reassembled, 0u);
    EXPECT_GE(statistics().fragments_dropped, 2u);
    EXPECT_TRUE(device.take_sent().empty()) << "overlaps are dropped silently (RFC 5722)";
}

// RFC 6946: offset 0 and no more fragments is a packet of its own, delivered at once and kept
// out of any reassembly sharing its identification.
TEST_F(NetIpv6Fragments, AnAtomicFragmentStandsAlone) {
    open_udp(5000);
    Bytes pending = udp_datagram6(4000, 5000, pattern(2000));
    receive(fragment6(pending, 0, 1448, true, 5));
    Bytes small = udp_datagram6(4000, 5000, bytes_of("atomic"));
    receive(fragment6(small, 0, small.size(), false, 5));
    EXPECT_EQ(read(), bytes_of("atomic"));
    receive(fragment6(pending, 1448, pending.size() - 1448, false, 5));
    EXPECT_EQ(read(), pattern(2000)) << "the pending datagram was left alone";
}

TEST_F(NetIpv6Fragments, AFragmentNotALastOfEightByteUnitsIsAParameterProblem) {
    Bytes datagram = udp_datagram6(4000, 5000, pattern(2000));
    receive(fragment6(datagram, 0, 1447, true, 4));
    EXPECT_EQ(parameter_problem(), std::make_pair(uint8_t(0), uint32_t(4)))
        << "pointed at the payload length";
    EXPECT_EQ(statistics().fragments_dropped, 1u);
}

TEST_F(NetIpv6Fragments, AFragmentPastTheLargestPayloadIsAParameterProblem) {
    Bytes data = pattern(65536 + 16);
    receive(fragment6(data, 65528, 16, false, 4));
    EXPECT_EQ(parameter_problem(), std::make_pair(uint8_t(0), uint32_t(40 + 2)))
        << "pointed at the fragment offset";
}

TEST_F(NetIpv6Fragments, AFirstFragmentWithoutTheUpperHeaderIsRefused) {
    Bytes datagram = udp_datagram6(4000, 5000, pattern(100));
    // A destination options header, then only 4 bytes of the 8-byte UDP header.
    Bytes chain{17, 0, 1, 4, 0, 0, 0, 0};
    chain.insert(chain.end(), datagram.begin(), datagram.begin() + 4);
    receive(fragment6(chain, 0, chain.size(), false, 4, 60));
    EXPECT_EQ(parameter_problem(),
              std::make_pair(ipv6_parameter_problem::incomplete_header_chain, uint32_t(0)));
    EXPECT_EQ(statistics().fragments_dropped, 1u);
}

TEST_F(NetIpv6Fragments, ProblemsWithMulticastFragmentsAreNotAnswered) {
    Ipv6Address group = Ipv6Address::all_nodes();
    Bytes datagram = udp_datagram6(4000, 5000, pattern(2000));
    receive(fragment6(datagram, 0, 1447, true, 4, 17, group, multicast_mac(group)));
    EXPECT_EQ(statistics().fragments_dropped, 1u);
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetIpv6Fragments, FragmentsInsideAReassembledPacketAreDropped) {
    open_udp(5000);
    Bytes datagram = udp_datagram6(4000, 5000, pattern(100));
    Bytes inner{17, 0, 0, 0, 0, 0, 0, 1};
    inner.insert(inner.end(), datagram.begin(), datagram.end());
    inner.resize(2000);
    receive(fragment6(inner, 0, 1448, true, 8, 44));
    receive(fragment6(inner, 1448, inner.size() - 1448, false, 8, 44));
    EXPECT_EQ(statistics().fragments_reassembled, 1u);
    EXPECT_EQ(statistics().fragments_dropped, 1u);
    EXPECT_EQ(socket->readable_bytes(), 0u);
}

// 60 s after its first fragment, an incomplete datagram is given up (RFC 8200 4.5).
TEST_F(NetIpv6Fragments, AbandonedFragmentsExpireAfterSixtySeconds) {
    open_udp(5000);
    Bytes datagram = udp_datagram6(4000, 5000, pattern(2000));
    receive(fragment6(datagram, 0, 1448, true, 6));
    EXPECT_LE(stack->next_deadline_ns(), FakeEnvironment::now + Reassembler::ipv6_timeout_ns);
    advance(Reassembler::ipv6_timeout_ns - 1);
    EXPECT_EQ(statistics().fragments_dropped, 0u);
    device.take_sent();
    advance(1);
    EXPECT_EQ(statistics().fragments_dropped, 1u);
    // The sender hears of it: time exceeded, fragment reassembly (RFC 4443 3.3), quoting the
    // first fragment.
    std::vector<Sent6> errors = time_exceeded_sent();
    ASSERT_EQ(errors.size(), 1u);
    Sent6 error = errors[0];
    EXPECT_EQ(error.header.destination, peer_address6);
    EXPECT_EQ(error.payload[0], icmpv6_type::time_exceeded);
    EXPECT_EQ(error.payload[1], icmpv6_time_exceeded::reassembly);
    Bytes first = fragment6(datagram, 0, 1448, true, 6);
    Bytes quoted(error.payload.begin() + 8, error.payload.end());
    ASSERT_EQ(quoted.size(), 1280u - 48);
    EXPECT_TRUE(std::equal(quoted.begin() + 8, quoted.begin() + 40, first.begin() + 14 + 8))
        << "the addresses";
    EXPECT_TRUE(std::equal(quoted.begin() + 40, quoted.end(), first.begin() + 14 + 40));
    EXPECT_EQ(transport_checksum6(our_address6, peer_address6, 58, error.payload), 0);
    // The rest arriving now completes nothing.
    receive(fragment6(datagram, 1448, datagram.size() - 1448, false, 6));
    EXPECT_EQ(socket->readable_bytes(), 0u);
    EXPECT_EQ(statistics().fragments_reassembled, 0u);
}

// Without the first fragment there is nothing to quote, and no error (RFC 8200 4.5).
TEST_F(NetIpv6Fragments, AbandonedFragmentsWithoutTheFirstEarnNoError) {
    Bytes datagram = udp_datagram6(4000, 5000, pattern(2000));
    receive(fragment6(datagram, 1448, datagram.size() - 1448, false, 7));
    device.take_sent();
    advance(Reassembler::ipv6_timeout_ns);
    EXPECT_EQ(statistics().fragments_dropped, 1u);
    EXPECT_TRUE(time_exceeded_sent().empty());
}

// No error answers an error (RFC 4443 2.4 e.1), even one whose fragments never all came.
TEST_F(NetIpv6Fragments, AnAbandonedErrorMessageEarnsNoError) {
    Bytes error{icmpv6_type::destination_unreachable, 4, 0, 0, 0, 0, 0, 0};
    error.resize(2000, 0x11);
    receive(fragment6(error, 0, 1448, true, 9, 58));
    advance(Reassembler::ipv6_timeout_ns);
    EXPECT_EQ(statistics().fragments_dropped, 1u);
    EXPECT_TRUE(time_exceeded_sent().empty());
}

TEST_F(NetIpv6Fragments, SendsADatagramLongerThanThePathInFragments) {
    open_udp(5000);
    IpEndpoint to{peer_address6, 9};
    Bytes payload = pattern(4000);
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    auto sent = device.take_sent();
    Joined joined = join(sent);
    EXPECT_EQ(joined.count, 3u);
    EXPECT_EQ(joined.next_header, 17);
    ASSERT_EQ(joined.payload.size(), 8u + payload.size());
    EXPECT_EQ(load_be16(joined.payload.data() + 4), 8u + payload.size());
    EXPECT_EQ(Bytes(joined.payload.begin() + 8, joined.payload.end()), payload);
    EXPECT_EQ(transport_checksum6(our_address6, peer_address6, 17, joined.payload), 0)
        << "the checksum over the whole datagram is right";

    // Each datagram takes a new identification.
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    auto again = device.take_sent();
    ASSERT_FALSE(again.empty());
    EXPECT_NE(load_be32(parse6(again[0]).payload.data() + 4),
              load_be32(parse6(sent[0]).payload.data() + 4));
}

// IPV6_DONTFRAG (RFC 3542 11.2): longer than the path is EMSGSIZE, not fragments.
TEST_F(NetIpv6Fragments, DontFragmentRefusesWhatThePathCannotCarry) {
    open_udp(5000);
    socket->options().v6_dont_fragment = true;
    IpEndpoint to{peer_address6, 9};
    Bytes payload = pattern(1500 - 40 - 8 + 1);
    EXPECT_ERRNO(socket->send_to(payload.data(), payload.size(), &to), EMSGSIZE);
    EXPECT_TRUE(device.take_sent().empty());
    payload.pop_back();
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    EXPECT_EQ(device.take_sent().size(), 1u);
}

// IPV6_MTU set (ipv6(7)): fragments of at most that many bytes on a path that carries more,
// and with IPV6_DONTFRAG no datagram longer.
TEST_F(NetIpv6Fragments, TheSocketsMtuBoundsItsFragments) {
    open_udp(5000);
    socket->options().v6_largest_fragment = 1280;
    IpEndpoint to{peer_address6, 9};
    Bytes payload = pattern(1400);
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 2u);
    for (const auto& frame : sent)
        EXPECT_LE(frame.bytes.size(), 14u + 1280u);
    Joined joined = join(sent);
    EXPECT_EQ(Bytes(joined.payload.begin() + 8, joined.payload.end()), payload);
    socket->options().v6_dont_fragment = true;
    EXPECT_ERRNO(socket->send_to(payload.data(), payload.size(), &to), EMSGSIZE);
    payload.resize(1280 - 40 - 8);
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    EXPECT_EQ(device.take_sent().size(), 1u);
}

// IPV6_MTU_DISCOVER (ipv6(7)): DO and PROBE refuse as IPV6_DONTFRAG does; the others cut.
TEST_F(NetIpv6Fragments, MtuDiscoveryDoRefusesWhatThePathCannotCarry) {
    open_udp(5000);
    IpEndpoint to{peer_address6, 9};
    Bytes payload = pattern(1500 - 40 - 8 + 1);
    for (MtuDiscovery refusing : {MtuDiscovery::do_, MtuDiscovery::probe}) {
        socket->options().v6_mtu_discovery = refusing;
        EXPECT_ERRNO(socket->send_to(payload.data(), payload.size(), &to), EMSGSIZE);
        EXPECT_TRUE(device.take_sent().empty());
    }
    for (MtuDiscovery cutting :
         {MtuDiscovery::dont, MtuDiscovery::want, MtuDiscovery::interface, MtuDiscovery::omit}) {
        socket->options().v6_mtu_discovery = cutting;
        ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
        EXPECT_EQ(device.take_sent().size(), 2u);
    }
}

TEST_F(NetIpv6Fragments, FragmentsFitWhatThePathSaidItCarries) {
    open_udp(5000);
    receive_packet_too_big(1280);

    IpEndpoint to{peer_address6, 9};
    Bytes payload = pattern(3000);
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    Joined joined = join(device.take_sent(), 1280);
    EXPECT_EQ(joined.count, 3u);
    EXPECT_EQ(Bytes(joined.payload.begin() + 8, joined.payload.end()), payload);
}

// IPV6_MTU: what a connected socket's path carries, the link's until ICMPv6 says less.
TEST_F(NetIpv6Fragments, AConnectedSocketKnowsItsPathMtu) {
    open_udp(5000);
    EXPECT_ERRNO(socket->path_mtu(), ENOTCONN);
    ASSERT_OK(socket->connect({peer_address6, 9}));
    EXPECT_EQ(value_of(socket->path_mtu()), 1500u);
    receive_packet_too_big(1400);
    EXPECT_EQ(value_of(socket->path_mtu()), 1400u);
    ASSERT_OK(socket->connect(IpEndpoint{})) << "connect(AF_UNSPEC)";
    EXPECT_ERRNO(socket->path_mtu(), ENOTCONN);
}

TEST_F(NetIpv6Fragments, TheLargestDatagramGoesAndOneByteMoreDoesNot) {
    open_udp(5000);
    IpEndpoint to{peer_address6, 9};
    Bytes payload(65527, 0x5a);
    ASSERT_OK(socket->send_to(payload.data(), payload.size(), &to));
    Joined joined = join(device.take_sent());
    EXPECT_EQ(joined.payload.size(), 65535u);
    payload.push_back(0);
    EXPECT_ERRNO(socket->send_to(payload.data(), payload.size(), &to), EMSGSIZE);
}

// ping -s 4000: the request arrives in fragments and the reply leaves in them.
TEST_F(NetIpv6Fragments, AnswersALongEchoRequestInFragments) {
    Bytes data = pattern(4000);
    Bytes request = echo_request6(data);
    for (size_t offset = 0; offset < request.size(); offset += 1448) {
        size_t length = std::min<size_t>(1448, request.size() - offset);
        device.inject(fragment6(request, offset, length, offset + length < request.size(), 11, 58),
                      false);
    }
    stack->poll();
    Joined reply = join(device.take_sent());
    EXPECT_EQ(reply.next_header, 58);
    ASSERT_EQ(reply.payload.size(), request.size());
    EXPECT_EQ(reply.payload[0], 129);
    EXPECT_EQ(Bytes(reply.payload.begin() + 4, reply.payload.end()),
              Bytes(request.begin() + 4, request.end()));
    EXPECT_EQ(transport_checksum6(our_address6, peer_address6, 58, reply.payload), 0);
    EXPECT_EQ(statistics().icmpv6_echo_replies, 1u);
}

} // namespace
} // namespace kernel_test
