// The SIOCGIF* answers, read back through glibc's struct ifreq and Linux's request numbers and
// flags, as if_nametoindex, if_indextoname and ifconfig read them.
#include "kernel/kernel_test_support.h"

#include "net/interface_requests.h"

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include <cstddef>
#include <cstring>
#include <string>

namespace {

using namespace kernel::net::interfaces;
using kernel_test::outcome;

static_assert(sizeof(InterfaceRequest) == sizeof(ifreq));
static_assert(offsetof(ifreq, ifr_ifru) == offsetof(InterfaceRequest, value));
static_assert(name_size == IFNAMSIZ);
static_assert(siocgifname == SIOCGIFNAME && siocgifconf == SIOCGIFCONF &&
              siocgifflags == SIOCGIFFLAGS && siocgifaddr == SIOCGIFADDR &&
              siocgifdstaddr == SIOCGIFDSTADDR && siocgifbrdaddr == SIOCGIFBRDADDR &&
              siocgifnetmask == SIOCGIFNETMASK && siocgifmetric == SIOCGIFMETRIC &&
              siocgifmtu == SIOCGIFMTU && siocgifhwaddr == SIOCGIFHWADDR &&
              siocgifindex == SIOCGIFINDEX && siocgiftxqlen == SIOCGIFTXQLEN &&
              siocgifmap == SIOCGIFMAP);
static_assert(iff_up == IFF_UP && iff_broadcast == IFF_BROADCAST && iff_loopback == IFF_LOOPBACK &&
              iff_running == IFF_RUNNING && iff_multicast == IFF_MULTICAST);
static_assert(arphrd_ether == ARPHRD_ETHER && arphrd_loopback == ARPHRD_LOOPBACK);

Facts machine_facts() {
    Facts facts;
    facts.add_link({1, "lo", true, {}, 65536, {}});
    facts.add_link({2, "eth0", false, {{0x52, 0x54, 0, 0x12, 0x34, 0x56}}, 1500, {}});
    facts.add_address({1, false, {127, 0, 0, 1}, 8, false});
    Address link_local{2, true, {0xfe, 0x80}, 64, false};
    link_local.bytes[15] = 1;
    facts.add_address(link_local);
    facts.add_address({2, false, {10, 0, 2, 15}, 24, false});
    return facts;
}

ifreq named(const char* name) {
    ifreq request{};
    std::strncpy(request.ifr_name, name, IFNAMSIZ);
    return request;
}

std::string ask(uint32_t request_number, ifreq& request, bool inet = true,
                const Facts& facts = machine_facts()) {
    InterfaceRequest ours;
    std::memcpy(&ours, &request, sizeof ours);
    std::string result = outcome(answer_request(request_number, ours, facts, inet));
    std::memcpy(&request, &ours, sizeof ours);
    return result;
}

std::string ipv4_of(const ifreq& request) {
    auto* address = reinterpret_cast<const sockaddr_in*>(&request.ifr_addr);
    EXPECT_EQ(address->sin_family, AF_INET);
    EXPECT_EQ(address->sin_port, 0);
    char text[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &address->sin_addr, text, sizeof text);
}

TEST(InterfaceRequests, IndexAndNameBothWays) {
    ifreq request = named("eth0");
    ASSERT_EQ(ask(SIOCGIFINDEX, request), "OK");
    EXPECT_EQ(request.ifr_ifindex, 2);
    EXPECT_STREQ(request.ifr_name, "eth0");
    request = named("lo");
    ASSERT_EQ(ask(SIOCGIFINDEX, request, false), "OK");
    EXPECT_EQ(request.ifr_ifindex, 1);

    ifreq by_index{};
    std::memset(by_index.ifr_name, 'x', IFNAMSIZ);
    by_index.ifr_ifindex = 2;
    ASSERT_EQ(ask(SIOCGIFNAME, by_index, false), "OK");
    EXPECT_STREQ(by_index.ifr_name, "eth0");
    by_index.ifr_ifindex = 3;
    EXPECT_EQ(ask(SIOCGIFNAME, by_index), "ENODEV");
    by_index.ifr_ifindex = -1;
    EXPECT_EQ(ask(SIOCGIFNAME, by_index), "ENODEV");

    request = named("eth1");
    EXPECT_EQ(ask(SIOCGIFINDEX, request), "ENODEV");
    request = named("");
    EXPECT_EQ(ask(SIOCGIFFLAGS, request), "ENODEV");
}

TEST(InterfaceRequests, AnUnterminatedNameEndsAtIfnamsiz) {
    ifreq request{};
    std::memset(request.ifr_name, 'e', IFNAMSIZ);
    EXPECT_EQ(ask(SIOCGIFINDEX, request), "ENODEV");
    EXPECT_EQ(request.ifr_name[IFNAMSIZ - 1], 0);
}

TEST(InterfaceRequests, AnAliasNamesItsLinkButHasNoAddress) {
    ifreq request = named("eth0:1");
    ASSERT_EQ(ask(SIOCGIFINDEX, request), "OK");
    EXPECT_EQ(request.ifr_ifindex, 2);
    EXPECT_STREQ(request.ifr_name, "eth0:1");
    EXPECT_EQ(ask(SIOCGIFADDR, request), "EADDRNOTAVAIL");
    request = named("eth1:0");
    EXPECT_EQ(ask(SIOCGIFINDEX, request), "ENODEV");
}

TEST(InterfaceRequests, LinkFlagsAsIfconfigShowsThem) {
    ifreq request = named("lo");
    ASSERT_EQ(ask(SIOCGIFFLAGS, request), "OK");
    EXPECT_EQ(static_cast<uint16_t>(request.ifr_flags), IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    request = named("eth0");
    ASSERT_EQ(ask(SIOCGIFFLAGS, request, false), "OK");
    EXPECT_EQ(static_cast<uint16_t>(request.ifr_flags),
              IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST);
}

TEST(InterfaceRequests, MtuQueueLengthMetricAndMap) {
    ifreq request = named("lo");
    ASSERT_EQ(ask(SIOCGIFMTU, request), "OK");
    EXPECT_EQ(request.ifr_mtu, 65536);
    request = named("eth0");
    ASSERT_EQ(ask(SIOCGIFMTU, request), "OK");
    EXPECT_EQ(request.ifr_mtu, 1500);
    ASSERT_EQ(ask(SIOCGIFTXQLEN, request), "OK");
    EXPECT_EQ(request.ifr_qlen, 1000);
    request.ifr_metric = 7;
    ASSERT_EQ(ask(SIOCGIFMETRIC, request), "OK");
    EXPECT_EQ(request.ifr_metric, 0);
    std::memset(&request.ifr_map, 0xff, sizeof request.ifr_map);
    ASSERT_EQ(ask(SIOCGIFMAP, request), "OK");
    EXPECT_EQ(request.ifr_map.mem_start, 0u);
    EXPECT_EQ(request.ifr_map.irq, 0);
}

TEST(InterfaceRequests, HardwareAddressWithTheLinksType) {
    ifreq request = named("eth0");
    ASSERT_EQ(ask(SIOCGIFHWADDR, request), "OK");
    EXPECT_EQ(request.ifr_hwaddr.sa_family, ARPHRD_ETHER);
    const uint8_t mac[] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    EXPECT_EQ(std::memcmp(request.ifr_hwaddr.sa_data, mac, sizeof mac), 0);
    EXPECT_EQ(request.ifr_hwaddr.sa_data[6], 0);
    request = named("lo");
    ASSERT_EQ(ask(SIOCGIFHWADDR, request), "OK");
    EXPECT_EQ(request.ifr_hwaddr.sa_family, ARPHRD_LOOPBACK);
    const uint8_t none[6] = {};
    EXPECT_EQ(std::memcmp(request.ifr_hwaddr.sa_data, none, sizeof none), 0);
}

TEST(InterfaceRequests, Ipv4AddressesOnAnInetSocket) {
    ifreq request = named("eth0");
    ASSERT_EQ(ask(SIOCGIFADDR, request), "OK");
    EXPECT_EQ(ipv4_of(request), "10.0.2.15");
    ASSERT_EQ(ask(SIOCGIFNETMASK, request), "OK");
    EXPECT_EQ(ipv4_of(request), "255.255.255.0");
    ASSERT_EQ(ask(SIOCGIFBRDADDR, request), "OK");
    EXPECT_EQ(ipv4_of(request), "10.0.2.255");
    ASSERT_EQ(ask(SIOCGIFDSTADDR, request), "OK");
    EXPECT_EQ(ipv4_of(request), "10.0.2.15");
    request = named("lo");
    ASSERT_EQ(ask(SIOCGIFNETMASK, request), "OK");
    EXPECT_EQ(ipv4_of(request), "255.0.0.0");
    ASSERT_EQ(ask(SIOCGIFADDR, request), "OK");
    EXPECT_EQ(ipv4_of(request), "127.0.0.1");
    // lo has no broadcast address: Linux answers 0.0.0.0.
    ASSERT_EQ(ask(SIOCGIFBRDADDR, request), "OK");
    EXPECT_EQ(ipv4_of(request), "0.0.0.0");
}

TEST(InterfaceRequests, Ipv4RequestsElsewhereOrWithoutAnAddress) {
    ifreq request = named("eth0");
    EXPECT_EQ(ask(SIOCGIFADDR, request, false), "ENOTTY");
    Facts unconfigured;
    unconfigured.add_link({2, "eth0", false, {}, 1500, {}});
    EXPECT_EQ(ask(SIOCGIFADDR, request, true, unconfigured), "EADDRNOTAVAIL");
    EXPECT_EQ(ask(SIOCGIFFLAGS, request, true, unconfigured), "OK");
    request = named("nope");
    EXPECT_EQ(ask(SIOCGIFADDR, request), "ENODEV");
}

TEST(InterfaceRequests, ChangesAreRefusedAsWithoutCapNetAdmin) {
    ifreq request = named("eth0");
    request.ifr_mtu = 9000;
    EXPECT_EQ(ask(SIOCSIFMTU, request), "EPERM");
    EXPECT_EQ(ask(SIOCSIFMTU, request, false), "EPERM");
    EXPECT_EQ(ask(SIOCSIFFLAGS, request), "EPERM");
    EXPECT_EQ(ask(SIOCSIFHWADDR, request), "EPERM");
    EXPECT_EQ(ask(SIOCSIFADDR, request), "EPERM");
    EXPECT_EQ(ask(SIOCADDRT, request), "EPERM");
    EXPECT_EQ(ask(SIOCSIFADDR, request, false), "ENOTTY");
    EXPECT_EQ(ask(0x89ff, request), "ENOTTY");
    EXPECT_EQ(ask(SIOCGIFSLAVE, request), "ENOTTY");
}

TEST(InterfaceRequests, ConfigurationListsEachIpv4Address) {
    Facts facts = machine_facts();
    EXPECT_EQ(list_ipv4_addresses(facts, nullptr, 0), 2u);
    ifreq entries[3];
    std::memset(entries, 0xee, sizeof entries);
    ASSERT_EQ(list_ipv4_addresses(facts, reinterpret_cast<InterfaceRequest*>(entries), 3), 2u);
    EXPECT_STREQ(entries[0].ifr_name, "lo");
    EXPECT_EQ(ipv4_of(entries[0]), "127.0.0.1");
    EXPECT_STREQ(entries[1].ifr_name, "eth0");
    EXPECT_EQ(ipv4_of(entries[1]), "10.0.2.15");
    EXPECT_EQ(static_cast<uint8_t>(entries[2].ifr_name[0]), 0xee);
    // Whole entries only, as many as fit.
    ifreq one[1];
    ASSERT_EQ(list_ipv4_addresses(facts, reinterpret_cast<InterfaceRequest*>(one), 1), 1u);
    EXPECT_STREQ(one[0].ifr_name, "lo");
    EXPECT_EQ(list_ipv4_addresses(facts, reinterpret_cast<InterfaceRequest*>(one), 0), 0u);
    EXPECT_EQ(list_ipv4_addresses(Facts{}, nullptr, 0), 0u);
}

} // namespace
