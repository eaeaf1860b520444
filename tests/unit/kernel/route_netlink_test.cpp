// NETLINK_ROUTE's answers, read back with Linux's own uapi headers and macros (NLMSG_*, RTA_*,
// IFLA_RTA, IFA_RTA), as glibc's getifaddrs and iproute2 read them.
#include "kernel/kernel_test_support.h"

#include "net/netlink/route_netlink.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace kernel::net;

constexpr uint32_t port = 4242;

struct Collected final : netlink::Replies {
    std::vector<std::vector<uint8_t>> datagrams;
    void deliver(const uint8_t* datagram, size_t length) override {
        datagrams.emplace_back(datagram, datagram + length);
    }
};

interfaces::Facts machine_facts() {
    interfaces::Facts facts;
    facts.add_link({1, "lo", true, {}, 65536, {3, 300, 3, 300, 0}});
    facts.add_link({2,
                    "eth0",
                    false,
                    {{0x52, 0x54, 0, 0x12, 0x34, 0x56}},
                    1500,
                    {10, 5000, 7, (1ull << 32) + 900, 2}});
    facts.add_address({1, false, {127, 0, 0, 1}, 8, false});
    facts.add_address({2, false, {10, 0, 2, 15}, 24, false});
    interfaces::Address link_local{2, true, {0xfe, 0x80}, 64, true};
    link_local.bytes[15] = 1;
    facts.add_address(link_local);
    facts.add_route({2, false, {10, 0, 2, 0}, 24, false, {}, {10, 0, 2, 15}});
    facts.add_route({2, false, {}, 0, true, {10, 0, 2, 2}, {}});
    facts.add_route({2, true, {0xfe, 0x80}, 64, false, {}, {}});
    return facts;
}

std::vector<uint8_t> request(uint16_t type, uint16_t flags, uint8_t family, uint32_t seq,
                             const std::vector<uint8_t>& extra = {}) {
    std::vector<uint8_t> bytes(NLMSG_LENGTH(sizeof(ifinfomsg)));
    auto* header = reinterpret_cast<nlmsghdr*>(bytes.data());
    header->nlmsg_type = type;
    header->nlmsg_flags = flags;
    header->nlmsg_seq = seq;
    auto* info = static_cast<ifinfomsg*>(NLMSG_DATA(header));
    info->ifi_family = family;
    bytes.insert(bytes.end(), extra.begin(), extra.end());
    header = reinterpret_cast<nlmsghdr*>(bytes.data());
    header->nlmsg_len = static_cast<uint32_t>(bytes.size());
    return bytes;
}

Collected answer(const std::vector<uint8_t>& bytes,
                 const interfaces::Facts& facts = machine_facts()) {
    Collected replies;
    netlink::answer(bytes.data(), bytes.size(), port, facts, replies);
    return replies;
}

// Every message of a datagram, checked to be well formed as NLMSG_OK has it.
std::vector<const nlmsghdr*> messages(const std::vector<uint8_t>& datagram) {
    std::vector<const nlmsghdr*> found;
    int length = static_cast<int>(datagram.size());
    for (auto* header = reinterpret_cast<const nlmsghdr*>(datagram.data());
         NLMSG_OK(header, length); header = NLMSG_NEXT(header, length))
        found.push_back(header);
    EXPECT_EQ(length, 0) << "bytes after the last whole message";
    return found;
}

std::string attribute_string(const rtattr* attribute) {
    return std::string(static_cast<const char*>(RTA_DATA(attribute)));
}

TEST(RouteNetlink, LinkDumpListsLoAndEth0ThenDone) {
    Collected replies = answer(request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_PACKET, 7));
    ASSERT_EQ(replies.datagrams.size(), 1u);
    auto found = messages(replies.datagrams[0]);
    ASSERT_EQ(found.size(), 3u);
    std::vector<std::string> names;
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(found[i]->nlmsg_type, RTM_NEWLINK);
        EXPECT_EQ(found[i]->nlmsg_seq, 7u);
        EXPECT_EQ(found[i]->nlmsg_pid, port);
        EXPECT_TRUE(found[i]->nlmsg_flags & NLM_F_MULTI);
        auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(found[i]));
        EXPECT_EQ(info->ifi_index, static_cast<int>(i + 1));
        EXPECT_TRUE(info->ifi_flags & IFF_UP);
        int length = static_cast<int>(IFLA_PAYLOAD(found[i]));
        unsigned mtu = 0;
        std::vector<uint8_t> mac;
        for (auto* attribute = IFLA_RTA(info); RTA_OK(attribute, length);
             attribute = RTA_NEXT(attribute, length)) {
            if (attribute->rta_type == IFLA_IFNAME)
                names.push_back(attribute_string(attribute));
            if (attribute->rta_type == IFLA_MTU)
                std::memcpy(&mtu, RTA_DATA(attribute), sizeof mtu);
            if (attribute->rta_type == IFLA_ADDRESS)
                mac.assign(static_cast<const uint8_t*>(RTA_DATA(attribute)),
                           static_cast<const uint8_t*>(RTA_DATA(attribute)) +
                               RTA_PAYLOAD(attribute));
        }
        EXPECT_EQ(mtu, i == 0 ? 65536u : 1500u);
        ASSERT_EQ(mac.size(), 6u);
        if (i == 0) {
            EXPECT_EQ(info->ifi_type, ARPHRD_LOOPBACK);
            EXPECT_TRUE(info->ifi_flags & IFF_LOOPBACK);
        } else {
            EXPECT_EQ(info->ifi_type, ARPHRD_ETHER);
            EXPECT_EQ(mac[0], 0x52);
            EXPECT_EQ(mac[5], 0x56);
        }
    }
    EXPECT_EQ(names, (std::vector<std::string>{"lo", "eth0"}));
    EXPECT_EQ(found[2]->nlmsg_type, NLMSG_DONE);
    EXPECT_EQ(found[2]->nlmsg_seq, 7u);
}

// ip -s link reads IFLA_STATS64; glibc's getifaddrs hands IFLA_STATS out as ifa_data, its
// counters cut to 32 bits.
TEST(RouteNetlink, LinksCarryTheirCountersInBothLayouts) {
    Collected replies = answer(request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_PACKET, 7));
    ASSERT_EQ(replies.datagrams.size(), 1u);
    auto found = messages(replies.datagrams[0]);
    ASSERT_EQ(found.size(), 3u);
    auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(found[1]));
    int length = static_cast<int>(IFLA_PAYLOAD(found[1]));
    rtnl_link_stats64 stats64{};
    rtnl_link_stats stats{};
    size_t stats64_length = 0, stats_length = 0;
    for (auto* attribute = IFLA_RTA(info); RTA_OK(attribute, length);
         attribute = RTA_NEXT(attribute, length)) {
        if (attribute->rta_type == IFLA_STATS64) {
            stats64_length = RTA_PAYLOAD(attribute);
            std::memcpy(&stats64, RTA_DATA(attribute), std::min(stats64_length, sizeof stats64));
        }
        if (attribute->rta_type == IFLA_STATS) {
            stats_length = RTA_PAYLOAD(attribute);
            std::memcpy(&stats, RTA_DATA(attribute), std::min(stats_length, sizeof stats));
        }
    }
    EXPECT_EQ(stats64_length, sizeof(rtnl_link_stats64));
    EXPECT_EQ(stats_length, sizeof(rtnl_link_stats));
    EXPECT_EQ(stats64.rx_packets, 10u);
    EXPECT_EQ(stats64.rx_bytes, 5000u);
    EXPECT_EQ(stats64.tx_packets, 7u);
    EXPECT_EQ(stats64.tx_bytes, (1ull << 32) + 900);
    EXPECT_EQ(stats64.tx_dropped, 2u);
    EXPECT_EQ(stats64.rx_errors + stats64.tx_errors + stats64.rx_dropped, 0u);
    EXPECT_EQ(stats.rx_packets, 10u);
    EXPECT_EQ(stats.tx_bytes, 900u);
    EXPECT_EQ(stats.tx_dropped, 2u);
}

TEST(RouteNetlink, AddressDumpKeepsToTheFamilyAsked) {
    for (auto [family, expected] :
         {std::pair<uint8_t, size_t>{AF_UNSPEC, 3}, {AF_INET, 2}, {AF_INET6, 1}}) {
        Collected replies = answer(request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, family, 1));
        ASSERT_EQ(replies.datagrams.size(), 1u);
        auto found = messages(replies.datagrams[0]);
        ASSERT_EQ(found.size(), expected + 1) << int(family);
        EXPECT_EQ(found.back()->nlmsg_type, NLMSG_DONE);
        for (size_t i = 0; i < expected; ++i) {
            auto* address = static_cast<const ifaddrmsg*>(NLMSG_DATA(found[i]));
            if (family != AF_UNSPEC) {
                EXPECT_EQ(address->ifa_family, family);
            }
        }
    }
}

TEST(RouteNetlink, AddressesCarryWhatGetifaddrsReads) {
    Collected replies = answer(request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 1));
    auto found = messages(replies.datagrams.at(0));
    ASSERT_EQ(found.size(), 4u);
    // eth0's 10.0.2.15/24: IFA_ADDRESS, IFA_LOCAL, the subnet's broadcast and the label.
    auto* eth0 = static_cast<const ifaddrmsg*>(NLMSG_DATA(found[1]));
    EXPECT_EQ(eth0->ifa_family, AF_INET);
    EXPECT_EQ(eth0->ifa_prefixlen, 24);
    EXPECT_EQ(eth0->ifa_index, 2u);
    EXPECT_EQ(eth0->ifa_scope, RT_SCOPE_UNIVERSE);
    int length = static_cast<int>(IFA_PAYLOAD(found[1]));
    std::string local, broadcast, label;
    for (auto* attribute = IFA_RTA(eth0); RTA_OK(attribute, length);
         attribute = RTA_NEXT(attribute, length)) {
        char text[INET6_ADDRSTRLEN] = {};
        if (attribute->rta_type == IFA_LOCAL)
            local = inet_ntop(AF_INET, RTA_DATA(attribute), text, sizeof text);
        if (attribute->rta_type == IFA_BROADCAST)
            broadcast = inet_ntop(AF_INET, RTA_DATA(attribute), text, sizeof text);
        if (attribute->rta_type == IFA_LABEL)
            label = attribute_string(attribute);
    }
    EXPECT_EQ(local, "10.0.2.15");
    EXPECT_EQ(broadcast, "10.0.2.255");
    EXPECT_EQ(label, "eth0");
    // lo's 127.0.0.1 is host-scoped, the link-local IPv6 address link-scoped and, here, still
    // tentative.
    EXPECT_EQ(static_cast<const ifaddrmsg*>(NLMSG_DATA(found[0]))->ifa_scope, RT_SCOPE_HOST);
    auto* link_local = static_cast<const ifaddrmsg*>(NLMSG_DATA(found[2]));
    EXPECT_EQ(link_local->ifa_scope, RT_SCOPE_LINK);
    EXPECT_TRUE(link_local->ifa_flags & IFA_F_TENTATIVE);
}

TEST(RouteNetlink, RouteDumpHasTheSubnetAndTheDefaultRoute) {
    Collected replies = answer(request(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 3));
    auto found = messages(replies.datagrams.at(0));
    ASSERT_EQ(found.size(), 3u);
    auto* subnet = static_cast<const rtmsg*>(NLMSG_DATA(found[0]));
    EXPECT_EQ(subnet->rtm_dst_len, 24);
    EXPECT_EQ(subnet->rtm_scope, RT_SCOPE_LINK);
    EXPECT_EQ(subnet->rtm_table, RT_TABLE_MAIN);
    int subnet_length = static_cast<int>(RTM_PAYLOAD(found[0]));
    std::string source;
    for (auto* attribute = RTM_RTA(subnet); RTA_OK(attribute, subnet_length);
         attribute = RTA_NEXT(attribute, subnet_length)) {
        char text[INET_ADDRSTRLEN] = {};
        if (attribute->rta_type == RTA_PREFSRC)
            source = inet_ntop(AF_INET, RTA_DATA(attribute), text, sizeof text);
    }
    EXPECT_EQ(source, "10.0.2.15");
    auto* default_route = static_cast<const rtmsg*>(NLMSG_DATA(found[1]));
    EXPECT_EQ(default_route->rtm_dst_len, 0);
    int length = static_cast<int>(RTM_PAYLOAD(found[1]));
    std::string gateway;
    uint32_t oif = 0;
    for (auto* attribute = RTM_RTA(default_route); RTA_OK(attribute, length);
         attribute = RTA_NEXT(attribute, length)) {
        char text[INET_ADDRSTRLEN] = {};
        if (attribute->rta_type == RTA_GATEWAY)
            gateway = inet_ntop(AF_INET, RTA_DATA(attribute), text, sizeof text);
        if (attribute->rta_type == RTA_OIF)
            std::memcpy(&oif, RTA_DATA(attribute), sizeof oif);
    }
    EXPECT_EQ(gateway, "10.0.2.2");
    EXPECT_EQ(oif, 2u);
}

TEST(RouteNetlink, OneLinkByIndexOrNameElseEnodev) {
    Collected by_index = answer(request(RTM_GETLINK, NLM_F_REQUEST, AF_UNSPEC, 5));
    // ifi_index 0 and no name: no such link.
    auto found = messages(by_index.datagrams.at(0));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->nlmsg_type, NLMSG_ERROR);
    EXPECT_EQ(static_cast<const nlmsgerr*>(NLMSG_DATA(found[0]))->error, -19); // -ENODEV

    std::vector<uint8_t> name(RTA_LENGTH(5));
    auto* attribute = reinterpret_cast<rtattr*>(name.data());
    attribute->rta_len = static_cast<unsigned short>(RTA_LENGTH(5));
    attribute->rta_type = IFLA_IFNAME;
    std::memcpy(RTA_DATA(attribute), "eth0", 5);
    name.resize(RTA_SPACE(5));
    Collected by_name = answer(request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC, 6, name));
    found = messages(by_name.datagrams.at(0));
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0]->nlmsg_type, RTM_NEWLINK);
    EXPECT_EQ(static_cast<const ifinfomsg*>(NLMSG_DATA(found[0]))->ifi_index, 2);
    EXPECT_EQ(found[1]->nlmsg_type, NLMSG_ERROR);
    EXPECT_EQ(static_cast<const nlmsgerr*>(NLMSG_DATA(found[1]))->error, 0);
}

TEST(RouteNetlink, ChangesAreNotSupported) {
    Collected replies = answer(request(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, AF_INET, 9));
    auto found = messages(replies.datagrams.at(0));
    ASSERT_EQ(found.size(), 1u);
    auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(found[0]));
    EXPECT_EQ(error->error, -95); // -EOPNOTSUPP
    EXPECT_EQ(error->msg.nlmsg_seq, 9u);
    EXPECT_EQ(error->msg.nlmsg_type, RTM_NEWADDR);
}

TEST(RouteNetlink, SeveralRequestsInOneSendEachGetTheirDatagram) {
    auto first = request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 1);
    auto second = request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 2);
    first.insert(first.end(), second.begin(), second.end());
    Collected replies = answer(first);
    ASSERT_EQ(replies.datagrams.size(), 2u);
    EXPECT_EQ(messages(replies.datagrams[1]).front()->nlmsg_seq, 2u);
}

// Hostile lengths: a header claiming more than was sent, or less than itself, ends the batch
// without an answer, as Linux's netlink_rcv_skb; random bytes never read past what was sent.
TEST(RouteNetlink, MalformedRequestsAreDropped) {
    auto bytes = request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 1);
    reinterpret_cast<nlmsghdr*>(bytes.data())->nlmsg_len = 4096;
    EXPECT_TRUE(answer(bytes).datagrams.empty());
    reinterpret_cast<nlmsghdr*>(bytes.data())->nlmsg_len = 8;
    EXPECT_TRUE(answer(bytes).datagrams.empty());
    bytes.resize(10);
    EXPECT_TRUE(answer(bytes).datagrams.empty());
    uint32_t state = 12345;
    for (int round = 0; round < 2000; ++round) {
        std::vector<uint8_t> random(static_cast<size_t>(round % 97));
        for (auto& byte : random) {
            state = state * 1103515245 + 12345;
            byte = static_cast<uint8_t>(state >> 16);
        }
        Collected replies = answer(random);
        for (auto& datagram : replies.datagrams)
            messages(datagram);
    }
}

} // namespace
