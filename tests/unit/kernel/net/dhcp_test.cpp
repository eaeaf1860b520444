#include "kernel/net/net_test_support.h"

#include "net/dhcp_client.h"
#include "net/dhcp_message.h"
#include "net/stack.h"

namespace kernel_test {
namespace {

using namespace kernel::net;

const Ipv4Address server_address = gateway_address;
const Ipv4Address offered_address = Ipv4Address::from_octets(10, 0, 2, 42);
const Ipv4Address dns_address = Ipv4Address::from_octets(10, 0, 2, 3);
constexpr uint32_t lease_seconds = 3600;

// What the client sent, as a server reads it.
struct ClientMessage {
    ParsedFrame frame;
    uint32_t transaction_id = 0;
    uint8_t type = 0;
    Ipv4Address client_address;
    Ipv4Address requested;
    Ipv4Address server_identifier;
    bool broadcast_flag = false;
};

ClientMessage parse_client_message(const Bytes& bytes) {
    ClientMessage message;
    message.frame = parse_frame(bytes);
    const Bytes& udp = message.frame.ip_payload;
    EXPECT_EQ(message.frame.protocol, 17);
    EXPECT_TRUE(transport_checksum_ok(message.frame));
    EXPECT_EQ(load_be16(udp.data()), 68);
    EXPECT_EQ(load_be16(udp.data() + 2), 67);
    Bytes dhcp(udp.begin() + 8, udp.end());
    EXPECT_GE(dhcp.size(), 300u);
    EXPECT_EQ(dhcp[0], 1);
    EXPECT_EQ(load_be32(dhcp.data() + 236), 0x63825363u);
    message.transaction_id = load_be32(dhcp.data() + 4);
    message.broadcast_flag = load_be16(dhcp.data() + 10) & 0x8000;
    message.client_address = {load_be32(dhcp.data() + 12)};
    EXPECT_TRUE(std::equal(dhcp.begin() + 28, dhcp.begin() + 34, our_mac.bytes));
    for (size_t at = 240; at < dhcp.size() && dhcp[at] != 255;) {
        uint8_t code = dhcp[at];
        if (code == 0) {
            ++at;
            continue;
        }
        uint8_t length = dhcp[at + 1];
        const uint8_t* value = dhcp.data() + at + 2;
        if (code == 53)
            message.type = value[0];
        if (code == 50)
            message.requested = {load_be32(value)};
        if (code == 54)
            message.server_identifier = {load_be32(value)};
        at += 2 + length;
    }
    return message;
}

struct ServerReply {
    uint8_t type;
    uint32_t transaction_id;
    Ipv4Address your_address = offered_address;
    uint32_t lease = lease_seconds;
    uint32_t renewal = 0;
    uint32_t rebinding = 0;
    bool with_server_identifier = true;
};

Bytes server_frame(const ServerReply& reply,
                   Ipv4Address destination = Ipv4Address::limited_broadcast()) {
    Bytes dhcp(240);
    dhcp[0] = 2;
    dhcp[1] = 1;
    dhcp[2] = 6;
    store_be32(dhcp.data() + 4, reply.transaction_id);
    store_be32(dhcp.data() + 16, reply.your_address.value);
    std::copy(our_mac.bytes, our_mac.bytes + 6, dhcp.begin() + 28);
    store_be32(dhcp.data() + 236, 0x63825363);
    auto option = [&](uint8_t code, std::initializer_list<uint8_t> value) {
        dhcp.push_back(code);
        dhcp.push_back(static_cast<uint8_t>(value.size()));
        dhcp.insert(dhcp.end(), value);
    };
    auto address_option = [&](uint8_t code, Ipv4Address address) {
        uint8_t b[4];
        store_be32(b, address.value);
        option(code, {b[0], b[1], b[2], b[3]});
    };
    auto seconds_option = [&](uint8_t code, uint32_t value) {
        uint8_t b[4];
        store_be32(b, value);
        option(code, {b[0], b[1], b[2], b[3]});
    };
    option(53, {reply.type});
    dhcp.push_back(0); // a pad, which parsers must skip
    if (reply.with_server_identifier)
        address_option(54, server_address);
    address_option(1, Ipv4Address::from_octets(255, 255, 255, 0));
    // Two routers and two DNS servers: the first of each counts.
    option(3, {10, 0, 2, 1, 10, 0, 2, 254});
    option(6, {10, 0, 2, 3, 8, 8, 8, 8});
    if (reply.lease)
        seconds_option(51, reply.lease);
    if (reply.renewal)
        seconds_option(58, reply.renewal);
    if (reply.rebinding)
        seconds_option(59, reply.rebinding);
    dhcp.push_back(255);
    Ipv4Fields fields;
    fields.source = server_address;
    fields.destination = destination;
    MacAddress mac =
        destination == Ipv4Address::limited_broadcast() ? MacAddress::broadcast() : our_mac;
    return ethernet_frame(
        mac, gateway_mac, 0x0800,
        ipv4_packet(fields, udp_datagram(server_address, destination, 67, 68, dhcp)));
}

class NetDhcp : public NetStackTest {
protected:
    void start() {
        InterfaceConfig config;
        config.use_dhcp = true;
        stack->configure(config);
    }
    // What the client sent since the last call: ARP requests re-verifying the server's entry
    // (neighbour_cache.h) may go beside, and are left out.
    std::vector<TransmittedFrame> dhcp_frames() {
        std::vector<TransmittedFrame> frames;
        for (auto& frame : device.take_sent())
            if (parse_frame(frame.bytes).type != 0x0806)
                frames.push_back(frame);
        return frames;
    }
    ClientMessage expect_one_message() {
        auto sent = dhcp_frames();
        EXPECT_EQ(sent.size(), 1u);
        if (sent.empty())
            return {};
        return parse_client_message(sent.back().bytes);
    }
    // The server asks for our new address, so we know its MAC for unicast renewals.
    void meet_server() {
        receive(ethernet_frame(
            MacAddress::broadcast(), gateway_mac, 0x0806,
            arp_packet(1, gateway_mac, server_address, MacAddress{}, offered_address)));
        device.take_sent();
    }
    // DISCOVER, OFFER, REQUEST, ACK; returns the REQUEST.
    ClientMessage bind(uint32_t renewal = 0, uint32_t rebinding = 0) {
        start();
        ClientMessage discover = expect_one_message();
        receive(server_frame({dhcp_message_type::offer, discover.transaction_id}));
        ClientMessage request = expect_one_message();
        ServerReply ack{dhcp_message_type::ack, request.transaction_id};
        ack.renewal = renewal;
        ack.rebinding = rebinding;
        receive(server_frame(ack, offered_address));
        return request;
    }
};

TEST_F(NetDhcp, FullExchangeBindsTheLease) {
    start();
    EXPECT_FALSE(stack->is_configured());
    ClientMessage discover = expect_one_message();
    EXPECT_EQ(discover.type, dhcp_message_type::discover);
    EXPECT_EQ(discover.frame.destination, MacAddress::broadcast());
    EXPECT_EQ(discover.frame.ip_source, Ipv4Address::any());
    EXPECT_EQ(discover.frame.ip_destination, Ipv4Address::limited_broadcast());
    EXPECT_TRUE(discover.broadcast_flag);

    receive(server_frame({dhcp_message_type::offer, discover.transaction_id}));
    ClientMessage request = expect_one_message();
    EXPECT_EQ(request.type, dhcp_message_type::request);
    EXPECT_EQ(request.transaction_id, discover.transaction_id);
    EXPECT_EQ(request.requested, offered_address);
    EXPECT_EQ(request.server_identifier, server_address);
    EXPECT_EQ(request.frame.ip_destination, Ipv4Address::limited_broadcast());
    EXPECT_FALSE(stack->is_configured());

    // Servers may answer to the offered address before we hold it.
    receive(server_frame({dhcp_message_type::ack, request.transaction_id}, offered_address));
    EXPECT_TRUE(stack->is_configured());
    EXPECT_EQ(stack->config().address, offered_address);
    EXPECT_EQ(stack->config().prefix_length, 24);
    EXPECT_EQ(stack->config().gateway, gateway_address);
    EXPECT_EQ(stack->config().dns, dns_address);
    // A gratuitous ARP announces the new address.
    auto sent = device.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(parse_frame(sent[0].bytes).type, 0x0806);
}

TEST_F(NetDhcp, IgnoresRepliesForOtherTransactions) {
    start();
    ClientMessage discover = expect_one_message();
    receive(server_frame({dhcp_message_type::offer, discover.transaction_id + 1}));
    EXPECT_TRUE(dhcp_frames().empty());
    ServerReply no_server{dhcp_message_type::offer, discover.transaction_id};
    no_server.with_server_identifier = false;
    receive(server_frame(no_server));
    EXPECT_TRUE(dhcp_frames().empty());
    receive(server_frame({dhcp_message_type::ack, discover.transaction_id}));
    EXPECT_FALSE(stack->is_configured()) << "an ACK while selecting";
}

TEST_F(NetDhcp, RetransmitsWithBackoff) {
    start();
    uint32_t transaction = expect_one_message().transaction_id;
    std::vector<uint64_t> gaps;
    for (int attempt = 0; attempt < 6; ++attempt) {
        uint64_t gap = 0;
        while (device.sent.empty() && gap < 100 * second) {
            advance(100 * millisecond);
            gap += 100 * millisecond;
        }
        ClientMessage again = expect_one_message();
        EXPECT_EQ(again.type, dhcp_message_type::discover);
        EXPECT_NE(again.transaction_id, transaction);
        transaction = again.transaction_id;
        gaps.push_back(gap);
    }
    // 4, 8, 16, 32, 64, 64 seconds, each plus under a second of jitter.
    const uint64_t expected[] = {4, 8, 16, 32, 64, 64};
    for (size_t i = 0; i < gaps.size(); ++i) {
        EXPECT_GE(gaps[i], expected[i] * second) << i;
        EXPECT_LE(gaps[i], (expected[i] + 1) * second + 200 * millisecond) << i;
    }
    EXPECT_FALSE(stack->is_configured());
}

TEST_F(NetDhcp, RequestWithoutAnswerStartsOver) {
    start();
    ClientMessage discover = expect_one_message();
    receive(server_frame({dhcp_message_type::offer, discover.transaction_id}));
    EXPECT_EQ(expect_one_message().type, dhcp_message_type::request);
    std::vector<uint8_t> types;
    for (int i = 0; i < 200 && types.size() < 4; ++i) {
        advance(second);
        for (auto& frame : device.take_sent())
            types.push_back(parse_client_message(frame.bytes).type);
    }
    EXPECT_EQ(types,
              (std::vector<uint8_t>{dhcp_message_type::request, dhcp_message_type::request,
                                    dhcp_message_type::request, dhcp_message_type::discover}));
}

TEST_F(NetDhcp, NakStartsOver) {
    start();
    ClientMessage discover = expect_one_message();
    receive(server_frame({dhcp_message_type::offer, discover.transaction_id}));
    ClientMessage request = expect_one_message();
    receive(server_frame({dhcp_message_type::nak, request.transaction_id}));
    EXPECT_FALSE(stack->is_configured());
    EXPECT_EQ(expect_one_message().type, dhcp_message_type::discover);
}

TEST_F(NetDhcp, RenewsWithTheServerAtT1) {
    bind();
    device.take_sent();
    advance(lease_seconds / 2 * second - 1);
    EXPECT_TRUE(dhcp_frames().empty());
    meet_server();
    advance(1);
    ClientMessage renew = expect_one_message();
    EXPECT_EQ(renew.type, dhcp_message_type::request);
    EXPECT_EQ(renew.client_address, offered_address);
    EXPECT_EQ(renew.frame.ip_source, offered_address);
    EXPECT_EQ(renew.frame.ip_destination, server_address) << "unicast to the server";
    EXPECT_EQ(renew.frame.destination, gateway_mac);
    EXPECT_EQ(renew.requested, Ipv4Address::any());

    ServerReply ack{dhcp_message_type::ack, renew.transaction_id};
    receive(server_frame(ack, offered_address));
    EXPECT_TRUE(stack->is_configured());
    // The new lease runs from now: nothing until its own T1.
    advance(lease_seconds / 2 * second - 1);
    EXPECT_TRUE(dhcp_frames().empty());
    meet_server();
    advance(1);
    EXPECT_EQ(expect_one_message().type, dhcp_message_type::request);
}

TEST_F(NetDhcp, RebindsAtT2AndLosesTheAddressAtExpiry) {
    bind(100, 200);
    device.take_sent();
    advance(100 * second - 1);
    meet_server();
    advance(1);
    EXPECT_EQ(expect_one_message().frame.ip_destination, server_address);
    // Renewal retries come no sooner than a minute apart.
    advance(59 * second);
    EXPECT_TRUE(dhcp_frames().empty());
    advance(41 * second);
    ClientMessage rebind = expect_one_message();
    EXPECT_EQ(rebind.type, dhcp_message_type::request);
    EXPECT_EQ(rebind.frame.ip_destination, Ipv4Address::limited_broadcast());
    EXPECT_EQ(rebind.client_address, offered_address);
    EXPECT_TRUE(stack->is_configured());
    for (int i = 0; i < 40 && stack->is_configured(); ++i)
        advance(100 * second);
    EXPECT_FALSE(stack->is_configured());
    EXPECT_EQ(stack->config().address, Ipv4Address::any());
    auto sent = device.take_sent();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(parse_client_message(sent.back().bytes).type, dhcp_message_type::discover);
}

TEST_F(NetDhcp, NakWhileRenewingLosesTheAddress) {
    bind();
    device.take_sent();
    advance(lease_seconds / 2 * second - 1);
    meet_server();
    advance(1);
    ClientMessage renew = expect_one_message();
    receive(server_frame({dhcp_message_type::nak, renew.transaction_id}, offered_address));
    EXPECT_FALSE(stack->is_configured());
    EXPECT_EQ(expect_one_message().type, dhcp_message_type::discover);
}

TEST_F(NetDhcp, StaticConfigurationStopsTheClient) {
    start();
    device.take_sent();
    stack->configure(static_config());
    EXPECT_TRUE(stack->is_configured());
    device.take_sent();
    // A second at a time, so that IPv6's router solicitations (4 s apart) finish too.
    for (int i = 0; i < 100; ++i)
        advance(second);
    EXPECT_TRUE(dhcp_frames().empty());
    EXPECT_EQ(stack->next_deadline_ns(), 0u);
}

TEST(NetDhcpMessage, RejectsTruncatedOptions) {
    Bytes dhcp(240);
    dhcp[0] = 2;
    dhcp[1] = 1;
    dhcp[2] = 6;
    store_be32(dhcp.data() + 236, 0x63825363);
    Bytes good = dhcp;
    good.insert(good.end(), {53, 1, 2, 255});
    DhcpMessage message;
    EXPECT_TRUE(parse_dhcp_message(good.data(), good.size(), message));
    EXPECT_EQ(message.type, 2);
    Bytes cut = dhcp;
    cut.insert(cut.end(), {53, 1, 2, 54, 4, 10});
    EXPECT_FALSE(parse_dhcp_message(cut.data(), cut.size(), message));
    Bytes no_length = dhcp;
    no_length.insert(no_length.end(), {53});
    EXPECT_FALSE(parse_dhcp_message(no_length.data(), no_length.size(), message));
    EXPECT_FALSE(parse_dhcp_message(dhcp.data(), 239, message));
}

} // namespace
} // namespace kernel_test
