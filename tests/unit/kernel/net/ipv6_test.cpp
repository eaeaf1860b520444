#include "kernel/net/net_test_support.h"

#include "net/icmpv6.h"
#include "net/ipv6.h"
#include "net/ipv6_address.h"
#include "net/ipv6_header.h"
#include "net/link.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

// Text to address, for the tests' own well-formed literals: groups, and at most one "::".
Ipv6Address v6(const std::string& text) {
    std::vector<uint16_t> head;
    std::vector<uint16_t> tail;
    std::vector<uint16_t>* groups = &head;
    for (size_t at = 0; at < text.size();) {
        if (text.compare(at, 2, "::") == 0) {
            groups = &tail;
            at += 2;
            continue;
        }
        if (text[at] == ':') {
            ++at;
            continue;
        }
        size_t end = text.find(':', at);
        if (end == std::string::npos)
            end = text.size();
        groups->push_back(
            static_cast<uint16_t>(std::stoul(text.substr(at, end - at), nullptr, 16)));
        at = end;
    }
    EXPECT_LE(head.size() + tail.size(), 8u) << text;
    Ipv6Address address;
    for (size_t i = 0; i < head.size(); ++i)
        store_be16(address.bytes + 2 * i, head[i]);
    for (size_t i = 0; i < tail.size(); ++i)
        store_be16(address.bytes + 16 - 2 * (tail.size() - i), tail[i]);
    return address;
}

void append(Bytes& bytes, const Ipv6Address& address) {
    bytes.insert(bytes.end(), address.bytes, address.bytes + 16);
}

// The checksum computed the long way: the pseudo-header written out (RFC 8200 8.1).
uint16_t reference_checksum(const Ipv6Address& source, const Ipv6Address& destination,
                            const Bytes& message) {
    Bytes pseudo;
    append(pseudo, source);
    append(pseudo, destination);
    Bytes length(4);
    store_be32(length.data(), static_cast<uint32_t>(message.size()));
    pseudo.insert(pseudo.end(), length.begin(), length.end());
    pseudo.insert(pseudo.end(), {0, 0, 0, 58});
    pseudo.insert(pseudo.end(), message.begin(), message.end());
    uint32_t sum = 0;
    for (size_t i = 0; i < pseudo.size(); i += 2)
        sum += (uint32_t(pseudo[i]) << 8) | (i + 1 < pseudo.size() ? pseudo[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

Bytes icmpv6(const Ipv6Address& source, const Ipv6Address& destination, uint8_t type, uint8_t code,
             const Bytes& body) {
    Bytes message{type, code, 0, 0};
    message.insert(message.end(), body.begin(), body.end());
    store_be16(message.data() + 2, reference_checksum(source, destination, message));
    return message;
}

Bytes ipv6_packet(const Ipv6Address& source, const Ipv6Address& destination, uint8_t next_header,
                  const Bytes& payload, uint8_t hop_limit = 64) {
    Bytes packet(8);
    packet[0] = 0x60;
    store_be16(packet.data() + 4, static_cast<uint16_t>(payload.size()));
    packet[6] = next_header;
    packet[7] = hop_limit;
    append(packet, source);
    append(packet, destination);
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

Bytes link_layer_option(uint8_t type, MacAddress mac) {
    Bytes option{type, 1};
    option.insert(option.end(), mac.bytes, mac.bytes + 6);
    return option;
}

// The body of a neighbour solicitation or advertisement after its first 4 bytes.
Bytes neighbour_body(uint8_t flags, const Ipv6Address& target, const Bytes& options = {}) {
    Bytes body{flags, 0, 0, 0};
    append(body, target);
    body.insert(body.end(), options.begin(), options.end());
    return body;
}

const Ipv6Address static6 = v6("2001:db8::15");
const Ipv6Address peer6 = v6("2001:db8::2");
const Ipv6Address peer_link_local = v6("fe80::2");
const Ipv6Address router_link_local = v6("fe80::1");
const Ipv6Address our_link_local = link_local_address(our_mac);

// ---- The header and its extension headers.

TEST(Ipv6Header, ParsesAValidHeader) {
    Bytes packet = ipv6_packet(peer6, static6, 58, Bytes(8, 0xab), 17);
    packet.push_back(0); // link padding
    Ipv6Header header;
    ASSERT_EQ(parse_ipv6_header(packet.data(), packet.size(), header), Ipv6HeaderCheck::valid);
    EXPECT_EQ(header.payload_length, 8u);
    EXPECT_EQ(header.next_header, 58);
    EXPECT_EQ(header.hop_limit, 17);
    EXPECT_EQ(header.source, peer6);
    EXPECT_EQ(header.destination, static6);
}

TEST(Ipv6Header, RejectsTruncatedBadVersionBadLengthAndMulticastSource) {
    Ipv6Header header;
    Bytes packet = ipv6_packet(peer6, static6, 58, Bytes(8));
    EXPECT_EQ(parse_ipv6_header(packet.data(), 39, header), Ipv6HeaderCheck::truncated);
    EXPECT_EQ(parse_ipv6_header(packet.data(), 47, header), Ipv6HeaderCheck::truncated);
    Bytes v4 = packet;
    v4[0] = 0x40;
    EXPECT_EQ(parse_ipv6_header(v4.data(), v4.size(), header), Ipv6HeaderCheck::bad_version);
    Bytes jumbo = ipv6_packet(peer6, static6, 0, Bytes(8));
    store_be16(jumbo.data() + 4, 0);
    EXPECT_EQ(parse_ipv6_header(jumbo.data(), jumbo.size(), header),
              Ipv6HeaderCheck::bad_payload_length);
    Bytes multicast = ipv6_packet(v6("ff02::1"), static6, 58, Bytes(8));
    EXPECT_EQ(parse_ipv6_header(multicast.data(), multicast.size(), header),
              Ipv6HeaderCheck::bad_source);
}

Ipv6Walk walk(const Bytes& packet, bool multicast = false) {
    return walk_extension_headers(packet.data(), packet.size(), multicast);
}

TEST(Ipv6Header, WalksOptionsAndRoutingHeadersToTheUpperLayer) {
    // Hop-by-hop with a PadN, a destination options header with Pad1s and an unknown skippable
    // option, a routing header with no segments left, then UDP.
    Bytes chain{60, 0, 1, 4, 0,    0, 0, 0, // hop-by-hop -> destination options
                43, 1, 0, 0, 0x1e, 2, 0, 0, 1, 4, 0, 0, 0, 0, 0, 0, // -> routing
                17, 0, 4, 0, 0,    0, 0, 0, // routing type 4, segments left 0 -> UDP
                1,  2, 3, 4};
    Ipv6Walk result = walk(ipv6_packet(peer6, static6, 0, chain));
    ASSERT_EQ(result.outcome, Ipv6Walk::Outcome::upper);
    EXPECT_EQ(result.protocol, 17);
    EXPECT_EQ(result.offset, 40u + 32u);
    EXPECT_EQ(result.next_header_field, 40u + 24u);
}

TEST(Ipv6Header, AnswersHeadersItCannotProcess) {
    // Hop-by-hop after another header: an unrecognized next header, pointed at its name.
    Ipv6Walk late = walk(ipv6_packet(peer6, static6, 60, {0, 0, 1, 4, 0, 0, 0, 0, 58}));
    EXPECT_EQ(late.outcome, Ipv6Walk::Outcome::parameter_problem);
    EXPECT_EQ(late.code, ipv6_parameter_problem::unrecognized_next_header);
    EXPECT_EQ(late.pointer, 40u);
    // A routing header with segments left: the routing type is erroneous.
    Ipv6Walk routing = walk(ipv6_packet(peer6, static6, 43, {58, 0, 0, 1, 0, 0, 0, 0}));
    EXPECT_EQ(routing.outcome, Ipv6Walk::Outcome::parameter_problem);
    EXPECT_EQ(routing.code, ipv6_parameter_problem::erroneous_field);
    EXPECT_EQ(routing.pointer, 42u);
    // Unknown options: 10 always answered, 11 not to a group, 01 dropped quietly.
    Bytes answered{58, 0, 0x80, 0, 0, 0, 0, 0};
    Ipv6Walk option = walk(ipv6_packet(peer6, static6, 60, answered), true);
    EXPECT_EQ(option.outcome, Ipv6Walk::Outcome::parameter_problem);
    EXPECT_EQ(option.code, ipv6_parameter_problem::unrecognized_option);
    EXPECT_EQ(option.pointer, 42u);
    EXPECT_TRUE(option.even_if_multicast);
    Bytes unicast_only{58, 0, 0xc0, 0, 0, 0, 0, 0};
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 60, unicast_only), true).outcome,
              Ipv6Walk::Outcome::discard);
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 60, unicast_only)).outcome,
              Ipv6Walk::Outcome::parameter_problem);
    Bytes quiet{58, 0, 0x40, 0, 0, 0, 0, 0};
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 60, quiet)).outcome, Ipv6Walk::Outcome::discard);
}

TEST(Ipv6Header, HostileLengthsAndFragmentsStopTheWalk) {
    // An extension header claiming 2 KiB, an option running past its header, a header cut
    // short, and a fragment.
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 60, {58, 255, 1, 4, 0, 0, 0, 0})).outcome,
              Ipv6Walk::Outcome::malformed);
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 60, {58, 0, 1, 200, 0, 0, 0, 0})).outcome,
              Ipv6Walk::Outcome::malformed);
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 60, {58, 0, 1})).outcome,
              Ipv6Walk::Outcome::malformed);
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 44, {58, 0, 0, 1, 0, 0, 0, 1})).outcome,
              Ipv6Walk::Outcome::fragment);
    EXPECT_EQ(walk(ipv6_packet(peer6, static6, 59, {})).outcome, Ipv6Walk::Outcome::no_next_header);
}

// ---- Addresses and checksums.

TEST(Ipv6Address, DerivesGroupsMacsAndInterfaceIdentifiers) {
    EXPECT_EQ(solicited_node_group(static6), v6("ff02::1:ff00:15"));
    EXPECT_EQ(multicast_mac(v6("ff02::1:ff00:15")), (MacAddress{{0x33, 0x33, 0xff, 0, 0, 0x15}}));
    EXPECT_EQ(our_link_local, v6("fe80::5054:ff:fe12:3456"));
    EXPECT_TRUE(same_prefix(static6, peer6, 64));
    EXPECT_FALSE(same_prefix(static6, peer6, 128));
    EXPECT_TRUE(same_prefix(v6("2001:db8::"), v6("2001:db9::"), 31));
    EXPECT_FALSE(same_prefix(v6("2001:db8::"), v6("2001:db9::"), 32));
}

TEST(Ipv6Checksum, PseudoHeaderSumMatchesTheLongWay) {
    Bytes message = {128, 0, 0, 0, 0x12, 0x34, 0, 1, 'o', 'd', 'd'};
    ChecksumAccumulator sum(ipv6_pseudo_header_sum(peer6, static6, 58, uint32_t(message.size())));
    sum.add(message.data(), message.size());
    EXPECT_EQ(sum.checksum(), reference_checksum(peer6, static6, message));
}

// ---- The layer on a link.

class NetIpv6 : public ::testing::Test {
protected:
    NetIpv6() {
        InterfaceConfig config;
        config.address6 = static6;
        config.prefix_length6 = 64;
        ip.configure(config);
    }

    void receive(const Bytes& packet, MacAddress destination = our_mac,
                 MacAddress source = peer_mac) {
        Bytes frame = ethernet_frame(destination, source, 0x86dd, packet);
        link.receive_frame(frame.data(), frame.size(), false);
    }
    void advance(uint64_t nanoseconds) {
        FakeEnvironment::now += nanoseconds;
        ip.run_timers(FakeEnvironment::now);
    }
    // Past duplicate address detection, with the router solicitation it leads to discarded.
    void settle() {
        advance(Ipv6Layer::retrans_timer_ns);
        device.take_sent();
    }
    // The peer's echo request, already known to us from a solicitation.
    void meet_peer() {
        Bytes ns = icmpv6(peer6, solicited_node_group(static6), 135, 0,
                          neighbour_body(0, static6, link_layer_option(1, peer_mac)));
        receive(ipv6_packet(peer6, solicited_node_group(static6), 58, ns, 255),
                multicast_mac(solicited_node_group(static6)));
        device.take_sent();
    }
    std::vector<Ipv6Address> addresses(bool tentative_too = false) const {
        std::vector<Ipv6Address> found;
        Ipv6Address address;
        uint8_t length;
        bool tentative;
        for (size_t i = 0; ip.address_at(i, address, length, tentative); ++i)
            if (tentative_too || !tentative)
                found.push_back(address);
        return found;
    }

    FakeDevice device;
    Environment environment = FakeEnvironment::make();
    StackStatistics statistics;
    EthernetLink link{device, environment, statistics};
    Ipv6Layer ip{link, environment, statistics};
    Icmpv6Layer icmp{ip, environment, statistics};
};

// The target of a neighbour solicitation or advertisement.
Ipv6Address target_in(const Bytes& message) {
    Ipv6Address target;
    std::copy(message.begin() + 8, message.begin() + 24, target.bytes);
    return target;
}

struct SentPacket {
    MacAddress destination;
    uint16_t type;
    Ipv6Header header;
    Bytes payload;
};

SentPacket parse_sent(const TransmittedFrame& frame) {
    SentPacket sent;
    std::copy(frame.bytes.begin(), frame.bytes.begin() + 6, sent.destination.bytes);
    sent.type = load_be16(frame.bytes.data() + 12);
    EXPECT_EQ(parse_ipv6_header(frame.bytes.data() + 14, frame.bytes.size() - 14, sent.header),
              Ipv6HeaderCheck::valid);
    sent.payload.assign(frame.bytes.begin() + 54, frame.bytes.end());
    EXPECT_EQ(reference_checksum(sent.header.source, sent.header.destination, sent.payload), 0)
        << "ICMPv6 checksum";
    return sent;
}

TEST_F(NetIpv6, DetectsDuplicatesBeforeUsingAnAddress) {
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 2u); // link-local and static
    SentPacket probe = parse_sent(sent[1]);
    EXPECT_EQ(probe.type, 0x86dd);
    EXPECT_EQ(probe.destination, multicast_mac(solicited_node_group(static6)));
    EXPECT_TRUE(probe.header.source.is_any());
    EXPECT_EQ(probe.header.destination, solicited_node_group(static6));
    EXPECT_EQ(probe.header.hop_limit, 255);
    EXPECT_EQ(probe.payload.size(), 24u); // no source link-layer option from ::
    EXPECT_EQ(probe.payload[0], 135);
    EXPECT_EQ(target_in(probe.payload), static6);
    EXPECT_TRUE(addresses().empty());
    advance(Ipv6Layer::retrans_timer_ns);
    EXPECT_EQ(addresses(), (std::vector<Ipv6Address>{our_link_local, static6}));
    // The link-local address in hand, routers are asked.
    auto solicitation = device.take_sent();
    ASSERT_EQ(solicitation.size(), 1u);
    SentPacket rs = parse_sent(solicitation[0]);
    EXPECT_EQ(rs.header.destination, Ipv6Address::all_routers());
    EXPECT_EQ(rs.header.source, our_link_local);
    EXPECT_EQ(rs.payload[0], 133);
}

TEST_F(NetIpv6, GivesUpAnAddressAnotherNodeHas) {
    device.take_sent();
    Bytes na = icmpv6(peer6, Ipv6Address::all_nodes(), 136, 0,
                      neighbour_body(0x20, static6, link_layer_option(2, peer_mac)));
    receive(ipv6_packet(peer6, Ipv6Address::all_nodes(), 58, na, 255),
            multicast_mac(Ipv6Address::all_nodes()));
    EXPECT_EQ(statistics.dad_conflicts, 1u);
    advance(Ipv6Layer::retrans_timer_ns);
    EXPECT_EQ(addresses(), std::vector<Ipv6Address>{our_link_local});
}

TEST_F(NetIpv6, AnswersSolicitationsForOurAddress) {
    settle();
    Bytes ns = icmpv6(peer6, solicited_node_group(static6), 135, 0,
                      neighbour_body(0, static6, link_layer_option(1, peer_mac)));
    receive(ipv6_packet(peer6, solicited_node_group(static6), 58, ns, 255),
            multicast_mac(solicited_node_group(static6)));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    SentPacket na = parse_sent(sent[0]);
    EXPECT_EQ(na.destination, peer_mac); // learned from the solicitation
    EXPECT_EQ(na.header.source, static6);
    EXPECT_EQ(na.header.destination, peer6);
    EXPECT_EQ(na.header.hop_limit, 255);
    ASSERT_EQ(na.payload.size(), 32u);
    EXPECT_EQ(na.payload[0], 136);
    EXPECT_EQ(na.payload[4], 0x60); // solicited, override
    EXPECT_EQ(target_in(na.payload), static6);
    EXPECT_EQ(Bytes(na.payload.begin() + 24, na.payload.end()), link_layer_option(2, our_mac));
}

TEST_F(NetIpv6, IgnoresNeighbourDiscoveryFromBeyondTheLink) {
    settle();
    Bytes ns =
        icmpv6(peer6, static6, 135, 0, neighbour_body(0, static6, link_layer_option(1, peer_mac)));
    receive(ipv6_packet(peer6, static6, 58, ns, 64)); // a router decremented the hop limit
    // An option of length 0, and a multicast target.
    Bytes zero_option = icmpv6(peer6, static6, 135, 0, neighbour_body(0, static6, {1, 0, 0, 0}));
    receive(ipv6_packet(peer6, static6, 58, zero_option, 255));
    Bytes multicast_target = icmpv6(peer6, static6, 135, 0, neighbour_body(0, v6("ff02::1"), {}));
    receive(ipv6_packet(peer6, static6, 58, multicast_target, 255));
    EXPECT_EQ(statistics.nd_invalid, 3u);
    EXPECT_TRUE(device.take_sent().empty());
}

TEST_F(NetIpv6, AnswersEchoAfterResolvingTheSender) {
    settle();
    Bytes request = icmpv6(peer6, static6, 128, 0, {0x12, 0x34, 0, 7, 'p', 'i', 'n', 'g', '6'});
    receive(ipv6_packet(peer6, static6, 58, request));
    // The reply waits while the peer is solicited.
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    SentPacket ns = parse_sent(sent[0]);
    EXPECT_EQ(ns.destination, multicast_mac(solicited_node_group(peer6)));
    EXPECT_EQ(ns.header.source, static6);
    EXPECT_EQ(ns.payload[0], 135);
    EXPECT_EQ(Bytes(ns.payload.begin() + 24, ns.payload.end()), link_layer_option(1, our_mac));
    Bytes na =
        icmpv6(peer6, static6, 136, 0, neighbour_body(0x60, peer6, link_layer_option(2, peer_mac)));
    receive(ipv6_packet(peer6, static6, 58, na, 255));
    sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    SentPacket reply = parse_sent(sent[0]);
    EXPECT_EQ(reply.destination, peer_mac);
    EXPECT_EQ(reply.header.source, static6);
    EXPECT_EQ(reply.header.destination, peer6);
    EXPECT_EQ(reply.payload,
              icmpv6(static6, peer6, 129, 0, {0x12, 0x34, 0, 7, 'p', 'i', 'n', 'g', '6'}));
    EXPECT_EQ(statistics.icmpv6_echo_replies, 1u);
}

TEST_F(NetIpv6, DropsWhatNeverResolves) {
    settle();
    Bytes request = icmpv6(peer6, static6, 128, 0, {0, 1, 0, 1});
    receive(ipv6_packet(peer6, static6, 58, request));
    for (int i = 0; i < 3; ++i)
        advance(Ipv6Layer::retrans_timer_ns);
    EXPECT_EQ(device.take_sent().size(), 3u); // three solicitations, no reply
    EXPECT_EQ(statistics.ipv6_unresolved, 1u);
}

TEST_F(NetIpv6, RouterAdvertisementConfiguresAnAddressAndARoute) {
    settle();
    Bytes body{64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0}; // hop limit, lifetime 1800 s
    Bytes prefix{3, 4, 64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x07, 0x08, 0, 0, 0, 0};
    append(prefix, v6("2001:db8:1::"));
    Bytes mtu{5, 1, 0, 0, 0, 0, 0x05, 0x00};
    body.insert(body.end(), prefix.begin(), prefix.end());
    body.insert(body.end(), mtu.begin(), mtu.end());
    Bytes source = link_layer_option(1, gateway_mac);
    body.insert(body.end(), source.begin(), source.end());
    Bytes ra = icmpv6(router_link_local, Ipv6Address::all_nodes(), 134, 0, body);
    receive(ipv6_packet(router_link_local, Ipv6Address::all_nodes(), 58, ra, 255),
            multicast_mac(Ipv6Address::all_nodes()), gateway_mac);
    Ipv6Address slaac = v6("2001:db8:1:0:5054:ff:fe12:3456");
    EXPECT_EQ(addresses(true).back(), slaac);
    EXPECT_EQ(ip.default_router(), router_link_local);
    EXPECT_EQ(ip.mtu_for(v6("2001:db8:99::1")), 1280u);
    advance(Ipv6Layer::retrans_timer_ns);
    EXPECT_EQ(addresses().back(), slaac);
    // Beyond the link, packets go to the router, whose MAC the advertisement gave.
    device.take_sent();
    Ipv6Address far = v6("2001:db8:99::1");
    Bytes echo = icmpv6(slaac, far, 128, 0, {0, 1, 0, 1});
    TransmitFragment fragment{echo.data(), echo.size()};
    EXPECT_FALSE(ip.send_datagram(slaac, far, 58, &fragment, 1, nullptr).is_error());
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_sent(sent[0]).destination, gateway_mac);
}

TEST_F(NetIpv6, IgnoresAdvertisementsFromGlobalAddresses) {
    settle();
    Bytes ra = icmpv6(peer6, Ipv6Address::all_nodes(), 134, 0, Bytes(12, 0xff));
    receive(ipv6_packet(peer6, Ipv6Address::all_nodes(), 58, ra, 255),
            multicast_mac(Ipv6Address::all_nodes()));
    EXPECT_EQ(statistics.nd_invalid, 1u);
    EXPECT_TRUE(ip.default_router().is_any());
}

TEST_F(NetIpv6, UnknownNextHeaderIsAParameterProblem) {
    settle();
    meet_peer();
    Bytes udp{0x12, 0x34, 0, 53, 0, 8, 0, 0};
    receive(ipv6_packet(peer6, static6, 17, udp));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    SentPacket error = parse_sent(sent[0]);
    EXPECT_EQ(error.payload[0], 4);
    EXPECT_EQ(error.payload[1], 1);
    EXPECT_EQ(load_be32(error.payload.data() + 4), 6u);
    Bytes quoted(error.payload.begin() + 8, error.payload.end());
    EXPECT_EQ(quoted, ipv6_packet(peer6, static6, 17, udp));
}

TEST_F(NetIpv6, NeverAnswersAnErrorWithAnError) {
    settle();
    meet_peer();
    // An ICMPv6 error behind a routing header with segments left: a parameter problem is
    // owed for the header, but not about an error message.
    Bytes error = icmpv6(peer6, static6, 1, 4, Bytes(44));
    Bytes routing{58, 0, 0, 1, 0, 0, 0, 0};
    routing.insert(routing.end(), error.begin(), error.end());
    receive(ipv6_packet(peer6, static6, 43, routing));
    EXPECT_EQ(statistics.ipv6_parameter_problems, 1u);
    EXPECT_TRUE(device.take_sent().empty());
    // The same header before an echo request is answered.
    Bytes echo = icmpv6(peer6, static6, 128, 0, Bytes(8));
    routing.resize(8);
    routing.insert(routing.end(), echo.begin(), echo.end());
    receive(ipv6_packet(peer6, static6, 43, routing));
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_sent(sent[0]).payload[0], 4);
}

TEST_F(NetIpv6, ErrorsAreRateLimited) {
    settle();
    meet_peer();
    for (int i = 0; i < 30; ++i)
        receive(ipv6_packet(peer6, static6, 17, Bytes(8)));
    EXPECT_EQ(device.take_sent().size(), ErrorRateLimit::burst);
    EXPECT_EQ(statistics.icmpv6_rate_limited, 30u - ErrorRateLimit::burst);
}

TEST_F(NetIpv6, PacketTooBigLowersThePathMtuWithinBounds) {
    settle();
    Ipv6Address far = v6("2001:db8:99::1");
    auto too_big = [&](const Ipv6Address& destination, uint32_t mtu) {
        Bytes body(4);
        store_be32(body.data(), mtu);
        Bytes quoted = ipv6_packet(static6, destination, 58, Bytes(8));
        body.insert(body.end(), quoted.begin(), quoted.end());
        receive(ipv6_packet(peer6, static6, 58, icmpv6(peer6, static6, 2, 0, body)));
    };
    too_big(far, 1400);
    EXPECT_EQ(ip.mtu_for(far), 1400u);
    too_big(far, 1450); // never raised by a message
    EXPECT_EQ(ip.mtu_for(far), 1400u);
    too_big(far, 500); // never below the IPv6 minimum
    EXPECT_EQ(ip.mtu_for(far), 1280u);
    // A flood about many destinations keeps a bounded table.
    for (int i = 0; i < 1000; ++i) {
        Ipv6Address other = far;
        store_be16(other.bytes + 14, static_cast<uint16_t>(i + 2));
        too_big(other, 1300);
    }
    EXPECT_EQ(statistics.icmpv6_packet_too_big, 1003u);
    EXPECT_EQ(ip.mtu_for(v6("2001:db8:98::1")), 1500u);
    // About a packet we never sent: ignored.
    Bytes body(4);
    store_be32(body.data(), 1300);
    Bytes quoted = ipv6_packet(peer6, far, 58, Bytes(8));
    body.insert(body.end(), quoted.begin(), quoted.end());
    receive(ipv6_packet(peer6, static6, 58, icmpv6(peer6, static6, 2, 0, body)));
    EXPECT_EQ(statistics.icmpv6_packet_too_big, 1004u);
}

} // namespace
} // namespace kernel_test
