#include "net/address_text.h"
#include "net/network_options.h"
#include "support/error.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

// -p without --net plans a tap as root whoever runs the tests; an ordinary user's plans are
// user-mode networking.
const HostPrivileges root{true, 0};
const HostPrivileges ordinary_user{false, 1024};

// The UserError's message for `options`, or "" when they are accepted.
std::string rejection(const NetworkOptions& options, const HostPrivileges& privileges = root) {
    try {
        plan_network(options, privileges);
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

NetworkOptions published(std::vector<std::string> mappings) {
    NetworkOptions options;
    options.published = std::move(mappings);
    return options;
}

TEST(AddressText, ParsesStrictDottedQuads) {
    EXPECT_EQ(parse_ipv4("10.0.2.15"), 0x0a00020fu);
    EXPECT_EQ(parse_ipv4("255.255.255.255"), 0xffffffffu);
    EXPECT_EQ(parse_ipv4("0.0.0.0"), 0u);
    for (const char* bad :
         {"", "10.0.2", "10.0.2.15.1", "10.0.2.256", "010.0.2.1", "10..2.1", "10.0.2.1 ",
          " 10.0.2.1", "10.0.2.-1", "a.b.c.d", "1e1.0.0.1", "10.0.2.15/24", "99999999999.0.0.1"})
        EXPECT_FALSE(parse_ipv4(bad)) << bad;
    EXPECT_EQ(format_ipv4(0xc0a80001), "192.168.0.1");
}

TEST(AddressText, ParsesAndFormatsMacs) {
    EXPECT_EQ(parse_mac("02:00:0A:ff:10:01"), (MacAddress{0x02, 0x00, 0x0a, 0xff, 0x10, 0x01}));
    for (const char* bad : {"", "02:00:0a:ff:10", "02:00:0a:ff:10:01:02", "02-00-0a-ff-10-01",
                            "02:00:0a:ff:10:0g", "2:00:0a:ff:10:01:", "0200.0aff.1001"})
        EXPECT_FALSE(parse_mac(bad)) << bad;
    EXPECT_EQ(format_mac({0x02, 0xab, 0, 1, 0x10, 0xff}), "02:ab:00:01:10:ff");
}

TEST(PortMapping, HostToGuestDefaultsToTcpOnAllAddressesOfBothFamilies) {
    PortMapping mapping = parse_port_mapping("8080:80");
    EXPECT_EQ(mapping.protocol, TransportProtocol::Tcp);
    EXPECT_EQ(mapping.family, HostFamily::Both);
    EXPECT_EQ(mapping.host_address, 0u);
    EXPECT_EQ(mapping.host_address6, Ipv6Address{});
    EXPECT_EQ(mapping.host_port, 8080);
    EXPECT_EQ(mapping.guest_port, 80);
    EXPECT_EQ(host_endpoint(mapping), "*:8080/tcp");
}

TEST(PortMapping, AddressAndProtocol) {
    PortMapping udp = parse_port_mapping("127.0.0.1:5353:53/udp");
    EXPECT_EQ(udp.protocol, TransportProtocol::Udp);
    EXPECT_EQ(udp.family, HostFamily::Ipv4);
    EXPECT_EQ(udp.host_address, 0x7f000001u);
    EXPECT_EQ(udp.host_port, 5353);
    EXPECT_EQ(udp.guest_port, 53);
    EXPECT_EQ(host_endpoint(udp), "127.0.0.1:5353/udp");
    EXPECT_EQ(parse_port_mapping("1:65535/tcp").guest_port, 65535);
    // An address, even every IPv4 one, is that family's alone, as with Docker.
    EXPECT_EQ(parse_port_mapping("0.0.0.0:8080:80").family, HostFamily::Ipv4);
    EXPECT_EQ(host_endpoint(parse_port_mapping("0.0.0.0:8080:80")), "0.0.0.0:8080/tcp");
}

TEST(PortMapping, BracketedIpv6HostAddress) {
    PortMapping loopback = parse_port_mapping("[::1]:8080:80");
    EXPECT_EQ(loopback.protocol, TransportProtocol::Tcp);
    EXPECT_EQ(loopback.family, HostFamily::Ipv6);
    EXPECT_EQ(loopback.host_address6,
              (Ipv6Address{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(loopback.host_port, 8080);
    EXPECT_EQ(loopback.guest_port, 80);
    EXPECT_EQ(host_endpoint(loopback), "[::1]:8080/tcp");

    PortMapping udp = parse_port_mapping("[2001:DB8:0::1]:5353:53/udp");
    EXPECT_EQ(udp.protocol, TransportProtocol::Udp);
    EXPECT_EQ(udp.family, HostFamily::Ipv6);
    EXPECT_EQ(udp.host_address6[0], 0x20);
    EXPECT_EQ(udp.host_address6[15], 1);
    EXPECT_EQ(udp.host_port, 5353);
    EXPECT_EQ(udp.guest_port, 53);
    EXPECT_EQ(host_endpoint(udp), "[2001:db8::1]:5353/udp");

    EXPECT_EQ(host_endpoint(parse_port_mapping("[::]:53:53/udp")), "[::]:53/udp");
}

TEST(PortMapping, MalformedBracketsSayWhatIsWrong) {
    auto error_of = [](const char* text) -> std::string {
        try {
            parse_port_mapping(text);
        } catch (const UserError& error) {
            return error.what();
        }
        return "accepted";
    };
    EXPECT_EQ(error_of("[::1:8080:80"), "-p [::1:8080:80: the IPv6 address has no closing ']'");
    EXPECT_EQ(error_of("[]:8080:80"), "-p []:8080:80: '[]' is not an IPv6 address of this host");
    EXPECT_EQ(error_of("[zz]:1:2"), "-p [zz]:1:2: '[zz]' is not an IPv6 address of this host");
    EXPECT_EQ(error_of("[::1]8080:80"),
              "-p [::1]8080:80: expected ':' after the IPv6 address, as in [::1]:8080:80");
    EXPECT_EQ(error_of("[ff02::1]:8080:80"),
              "-p [ff02::1]:8080:80: '[ff02::1]' is not an address the host can listen on");
    EXPECT_EQ(error_of("::1:8080:80"),
              "-p ::1:8080:80: expected HOST:GUEST, IP:HOST:GUEST or [IPV6]:HOST:GUEST (ports), "
              "optionally followed by /tcp or /udp");
}

TEST(PortMapping, MalformedValuesNameThemselves) {
    for (const char* bad : {"8080",
                            "8080:",
                            ":80",
                            "8080:80:90:100",
                            "0:80",
                            "8080:0",
                            "65536:80",
                            "8080:65536",
                            "80a:80",
                            "-1:80",
                            "+80:80",
                            "8080:80/sctp",
                            "8080:80/",
                            "8080:80/TCP",
                            "10.0.0:8080:80",
                            "[::1]:8080",
                            "[::1]:1:8080:80",
                            "[::1]:0:80",
                            "[::1]",
                            "[::1]:",
                            "[]:8080:80",
                            "[::1:8080:80",
                            "[zz]:1:2",
                            "[::1]8080:80",
                            "[127.0.0.1]:8080:80",
                            "::1:8080:80",
                            "224.0.0.1:8080:80",
                            "localhost:8080:80",
                            "8080-8081:80-81",
                            "",
                            "/udp"}) {
        try {
            parse_port_mapping(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const UserError& error) {
            EXPECT_EQ(std::string(error.what()).rfind(std::string("-p ") + bad + ":", 0), 0u)
                << error.what();
        }
    }
}

TEST(NetworkPlan, NoOptionsNoNetwork) {
    EXPECT_FALSE(plan_network({}, root));
}

TEST(NetworkPlan, PublishingAloneUsesTheDocumentedDefaults) {
    std::optional<NetworkPlan> plan = plan_network(published({"8080:80"}), root);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->tap_name, "");
    EXPECT_TRUE(plan->configure_host);
    EXPECT_EQ(plan->host_address, default_host_address);
    EXPECT_EQ(format_ipv4(plan->host_address), "10.0.2.1");
    EXPECT_EQ(format_ipv4(plan->guest.address), "10.0.2.15");
    EXPECT_EQ(plan->guest.prefix_length, 24);
    EXPECT_EQ(plan->guest.gateway, plan->host_address);
    EXPECT_EQ(plan->guest.dns, 0u);
    EXPECT_FALSE(plan->guest.use_dhcp);
    ASSERT_EQ(plan->published.size(), 1u);
    EXPECT_EQ(plan->published[0].guest_port, 80);
}

TEST(NetworkPlan, RandomMacIsLocallyAdministeredUnicastAndVaries) {
    MacAddress first = plan_network(published({"1:1"}), root)->guest.mac;
    MacAddress second = plan_network(published({"1:1"}), root)->guest.mac;
    for (const MacAddress& mac : {first, second}) {
        EXPECT_EQ(mac[0] & 1, 0) << format_mac(mac);
        EXPECT_EQ(mac[0] & 2, 2) << format_mac(mac);
    }
    EXPECT_NE(first, second); // 46 random bits
}

TEST(NetworkPlan, ExplicitTapWithoutAddressAsksDhcp) {
    NetworkOptions options;
    options.tap = "tap0";
    options.mac = "52:54:00:12:34:56";
    std::optional<NetworkPlan> plan = plan_network(options, root);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->tap_name, "tap0");
    EXPECT_FALSE(plan->configure_host);
    EXPECT_TRUE(plan->guest.use_dhcp);
    EXPECT_EQ(plan->guest.address, 0u);
    EXPECT_EQ(plan->guest.mac, (MacAddress{0x52, 0x54, 0, 0x12, 0x34, 0x56}));
}

TEST(NetworkPlan, ExplicitTapWithAddressAndGateway) {
    NetworkOptions options;
    options.tap = "tap0";
    options.address = "10.0.2.15/24";
    options.gateway = "10.0.2.1";
    std::optional<NetworkPlan> plan = plan_network(options, root);
    ASSERT_TRUE(plan);
    EXPECT_FALSE(plan->guest.use_dhcp);
    EXPECT_FALSE(plan->configure_host);
    EXPECT_EQ(format_ipv4(plan->guest.address), "10.0.2.15");
    EXPECT_EQ(format_ipv4(plan->guest.gateway), "10.0.2.1");
}

TEST(NetworkPlan, ExplicitTapWithAddressAndPublishedPorts) {
    NetworkOptions options = published({"8080:80", "5353:53/udp"});
    options.tap = "tap0";
    options.address = "192.168.7.2/28";
    std::optional<NetworkPlan> plan = plan_network(options, root);
    ASSERT_TRUE(plan);
    EXPECT_FALSE(plan->configure_host);
    EXPECT_EQ(plan->guest.gateway, 0u);
    EXPECT_EQ(plan->published.size(), 2u);
}

TEST(NetworkPlan, PublishingWithAddressPutsTheHostFirstInTheSubnet) {
    NetworkOptions options = published({"8080:80"});
    options.address = "172.30.0.9/16";
    std::optional<NetworkPlan> plan = plan_network(options, root);
    EXPECT_EQ(format_ipv4(plan->host_address), "172.30.0.1");
    EXPECT_EQ(plan->guest.gateway, plan->host_address);
    options.address = "172.30.0.1/16";
    EXPECT_EQ(format_ipv4(plan_network(options, root)->host_address), "172.30.0.2");
}

TEST(NetworkPlan, PublishingWithGatewayMakesItTheHostsAddress) {
    NetworkOptions options = published({"8080:80"});
    options.address = "10.9.8.7/24";
    options.gateway = "10.9.8.254";
    std::optional<NetworkPlan> plan = plan_network(options, root);
    EXPECT_EQ(format_ipv4(plan->host_address), "10.9.8.254");
    EXPECT_EQ(format_ipv4(plan->guest.gateway), "10.9.8.254");
}

TEST(NetworkPlan, GuestOptionsWithoutANetworkAreRefused) {
    for (auto [field, name] : {std::pair{&NetworkOptions::address, "--ip"},
                               {&NetworkOptions::gateway, "--gw"},
                               {&NetworkOptions::mac, "--mac"}}) {
        NetworkOptions options;
        options.*field = "10.0.2.15/24";
        EXPECT_EQ(rejection(options).rfind(std::string(name) + " configures the guest's", 0), 0u)
            << rejection(options);
    }
}

TEST(NetworkPlan, BadAddressesAndPrefixes) {
    auto with_address = [](const char* address) {
        NetworkOptions options = published({"8080:80"});
        options.address = address;
        return rejection(options);
    };
    EXPECT_EQ(with_address("10.0.2.15/24"), "");
    EXPECT_EQ(with_address("10.0.2.15"),
              "--ip 10.0.2.15: give the prefix length too, e.g. --ip 10.0.2.15/24");
    for (const char* prefix : {"10.0.2.15/0", "10.0.2.15/31", "10.0.2.15/32", "10.0.2.15/33",
                               "10.0.2.15/", "10.0.2.15/x", "10.0.2.15/024/"})
        EXPECT_NE(with_address(prefix).find("prefix length must be 1-30"), std::string::npos)
            << prefix << ": " << with_address(prefix);
    EXPECT_NE(with_address("10.0.2/24").find("expected an IPv4 address"), std::string::npos);
    EXPECT_NE(with_address("127.0.0.2/8").find("loopback"), std::string::npos);
    EXPECT_NE(with_address("224.0.0.5/24").find("multicast"), std::string::npos);
    EXPECT_NE(with_address("0.1.2.3/24").find("0.0.0.0/8"), std::string::npos);
    EXPECT_NE(with_address("255.255.255.254/24").find("reserved"), std::string::npos);
    EXPECT_NE(with_address("10.0.2.0/24").find("network or broadcast"), std::string::npos);
    EXPECT_NE(with_address("10.0.2.255/24").find("network or broadcast"), std::string::npos);
}

TEST(NetworkPlan, GatewayMustBeAnotherHostOfTheSubnet) {
    auto with_gateway = [](const char* gateway) {
        NetworkOptions options;
        options.tap = "tap0";
        options.address = "10.0.2.15/24";
        options.gateway = gateway;
        return rejection(options);
    };
    EXPECT_EQ(with_gateway("10.0.2.1"), "");
    EXPECT_EQ(with_gateway("10.0.3.1"), "--gw 10.0.3.1: outside the guest's subnet 10.0.2.0/24");
    EXPECT_NE(with_gateway("10.0.2.15").find("the guest's own address"), std::string::npos);
    EXPECT_NE(with_gateway("10.0.2.255").find("network or broadcast"), std::string::npos);
    EXPECT_NE(with_gateway("10.0.2.0").find("network or broadcast"), std::string::npos);
    EXPECT_NE(with_gateway("gateway").find("expected an IPv4 address"), std::string::npos);
}

TEST(NetworkPlan, GatewayNeedsAnAddress) {
    NetworkOptions options;
    options.tap = "tap0";
    options.gateway = "10.0.2.1";
    EXPECT_NE(rejection(options).find("--gw 10.0.2.1: give the guest's address with --ip"),
              std::string::npos);
    options = published({"8080:80"});
    options.gateway = "10.0.2.2";
    EXPECT_NE(rejection(options).find("--gw 10.0.2.2: give the guest's address with --ip"),
              std::string::npos);
}

TEST(NetworkPlan, PublishingThroughAUserTapNeedsTheGuestsAddress) {
    NetworkOptions options = published({"8080:80"});
    options.tap = "tap0";
    EXPECT_EQ(rejection(options),
              "-p with --net tap0 needs --ip ADDR/PREFIX: the port proxy connects to the guest's "
              "address, which would otherwise come from DHCP");
}

TEST(NetworkPlan, BadMacs) {
    auto with_mac = [](const char* mac) {
        NetworkOptions options = published({"8080:80"});
        options.mac = mac;
        return rejection(options);
    };
    EXPECT_EQ(with_mac("02:00:00:00:00:01"), "");
    EXPECT_EQ(with_mac("00:16:3e:00:00:01"), "");
    EXPECT_NE(with_mac("01:00:5e:00:00:01").find("multicast"), std::string::npos);
    EXPECT_NE(with_mac("ff:ff:ff:ff:ff:ff").find("multicast"), std::string::npos);
    EXPECT_NE(with_mac("00:00:00:00:00:00").find("all-zero"), std::string::npos);
    EXPECT_NE(with_mac("02:00:00:00:00").find("six hex pairs"), std::string::npos);
}

TEST(NetworkPlan, BadTapNames) {
    auto with_tap = [](const std::string& name) {
        NetworkOptions options;
        options.tap = name;
        return rejection(options);
    };
    EXPECT_EQ(with_tap("tap0"), "");
    EXPECT_EQ(with_tap("a-fifteen-chars"), "");
    EXPECT_NE(with_tap("sixteen-chars-xx").find("at most 15"), std::string::npos);
    EXPECT_NE(with_tap("..").find("not a valid interface name"), std::string::npos);
    EXPECT_NE(with_tap("tap%d").find("cannot contain '%'"), std::string::npos);
    EXPECT_NE(with_tap("a/b").find("cannot contain '/'"), std::string::npos);
    EXPECT_NE(with_tap("a:b").find("cannot contain ':'"), std::string::npos);
    EXPECT_NE(with_tap("a b").find("whitespace"), std::string::npos);
}

TEST(NetworkPlan, OverlappingPublishedPortsAreRefused) {
    EXPECT_EQ(rejection(published({"8080:80", "8080:81"})),
              "-p 8080:80 and -p 8080:81 both publish host port *:8080/tcp");
    EXPECT_NE(rejection(published({"127.0.0.1:8080:80", "8080:80"})), "");
    EXPECT_EQ(rejection(published({"127.0.0.1:8080:80", "127.0.0.2:8080:80"})), "");
    EXPECT_EQ(rejection(published({"8080:80", "8080:80/udp"})), "");
    EXPECT_NE(rejection(published({"53:53/udp", "0.0.0.0:53:54/udp"})), "");
    // Without an address a mapping holds the port on both families; with one, on its own.
    EXPECT_NE(rejection(published({"8080:80", "[::1]:8080:81"})), "");
    EXPECT_EQ(rejection(published({"127.0.0.1:8080:80", "[::1]:8080:81"})), "");
    EXPECT_EQ(rejection(published({"[::1]:8080:80", "[::2]:8080:81"})), "");
    EXPECT_EQ(rejection(published({"[::]:8080:80", "[::1]:8080:81"})),
              "-p [::]:8080:80 and -p [::1]:8080:81 both publish host port [::1]:8080/tcp");
}

TEST(UserNetworkPlan, ChosenForAnOrdinaryUsersPublishedPorts) {
    std::optional<NetworkPlan> plan =
        plan_network(published({"8080:80", "5353:53/udp"}), ordinary_user);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->backend, NetworkBackend::User);
    EXPECT_TRUE(plan->tap_name.empty());
    EXPECT_FALSE(plan->configure_host);
    EXPECT_EQ(format_ipv4(plan->guest.address), "10.0.2.15");
    EXPECT_EQ(plan->guest.prefix_length, 24);
    EXPECT_EQ(format_ipv4(plan->guest.gateway), "10.0.2.2");
    EXPECT_EQ(format_ipv4(plan->guest.dns), "10.0.2.3");
    EXPECT_FALSE(plan->guest.use_dhcp);
    ASSERT_EQ(plan->published.size(), 2u);
    EXPECT_EQ(plan->published[1].protocol, TransportProtocol::Udp);
    // Root keeps the tap; nothing at all stays nothing.
    EXPECT_EQ(plan_network(published({"8080:80"}), root)->backend, NetworkBackend::Tap);
    EXPECT_FALSE(plan_network({}, ordinary_user));
}

TEST(UserNetworkPlan, AskedForWithNetworkUser) {
    NetworkOptions options;
    options.mode = "user";
    std::optional<NetworkPlan> plan = plan_network(options, root);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->backend, NetworkBackend::User);
    EXPECT_TRUE(plan->published.empty());
    options.mac = "02:00:00:00:00:07";
    EXPECT_EQ(format_mac(plan_network(options, root)->guest.mac), "02:00:00:00:00:07");
    options.mode = "bridge";
    EXPECT_NE(rejection(options).find("--network bridge: the only network mode is 'user'"),
              std::string::npos);
}

TEST(UserNetworkPlan, RefusesWhatNeedsATap) {
    NetworkOptions options = published({"8080:80"});
    options.address = "10.1.0.5/24";
    EXPECT_EQ(rejection(options, ordinary_user),
              "--ip 10.1.0.5/24: without CAP_NET_ADMIN for a tap, -p uses user-mode networking, "
              "and the guest's address is 10.0.2.15/24 (another needs a tap, and root)");
    options.address.clear();
    options.gateway = "10.0.2.1";
    EXPECT_NE(rejection(options, ordinary_user).find("--gw 10.0.2.1: "), std::string::npos);
    options.gateway.clear();
    options.mode = "user";
    options.tap = "tap0";
    EXPECT_EQ(rejection(options),
              "--net tap0 with --network user: user-mode networking has no tap; give one or "
              "the other");
}

TEST(UserNetworkPlan, PrivilegedPortsNeedPrivileges) {
    EXPECT_EQ(rejection(published({"8080:80", "80:80"}), ordinary_user),
              "-p 80:80: host port 80 is privileged and this user may not listen on it (below "
              "1024, net.ipv4.ip_unprivileged_port_start): publish a port from 1024 up");
    EXPECT_EQ(rejection(published({"1024:80"}), ordinary_user), "");
    NetworkOptions options = published({"80:80"});
    options.mode = "user";
    EXPECT_EQ(rejection(options, root), "");
    EXPECT_EQ(rejection(published({"80:80"}), HostPrivileges{false, 80}), "");
}

TEST(UserNetworkPlan, Ipv6HostAddressesNeedATap) {
    EXPECT_EQ(rejection(published({"8080:80", "[::1]:8081:80"}), ordinary_user),
              "-p [::1]:8081:80: without CAP_NET_ADMIN for a tap, -p uses user-mode networking, "
              "and slirp listens on the host's IPv4 addresses only (an IPv6 host address needs "
              "a tap, and root)");
    EXPECT_EQ(rejection(published({"[::1]:8081:80"}), root), "");
}

} // namespace
} // namespace ingot

namespace ingot {
namespace {

NetworkOptions tap_with_ipv6(std::string address6, std::string gateway6 = "") {
    NetworkOptions options;
    options.tap = "tap0";
    options.address = "10.0.2.15/24";
    options.address6 = std::move(address6);
    options.gateway6 = std::move(gateway6);
    return options;
}

TEST(NetworkPlan, Ipv6AddressAndRouterReachTheGuest) {
    auto plan = plan_network(tap_with_ipv6("2001:db8::15/64", "fe80::1"), root);
    ASSERT_TRUE(plan);
    std::array<uint8_t, 16> address{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15};
    std::array<uint8_t, 16> router{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_EQ(plan->guest.address6, address);
    EXPECT_EQ(plan->guest.prefix_length6, 64);
    EXPECT_EQ(plan->guest.gateway6, router);
    // A router within the prefix will do too.
    EXPECT_EQ(rejection(tap_with_ipv6("2001:db8::15/64", "2001:db8::1")), "");
}

TEST(NetworkPlan, BadIpv6ValuesAreOneLineErrors) {
    EXPECT_EQ(rejection(tap_with_ipv6("2001:db8::15")),
              "--ip6 2001:db8::15: give the prefix length too, e.g. --ip6 2001:db8::15/64");
    EXPECT_EQ(rejection(tap_with_ipv6("2001:db8::15/129")),
              "--ip6 2001:db8::15/129: the prefix length must be 1-128");
    EXPECT_EQ(rejection(tap_with_ipv6("2001:db8:::15/64")),
              "--ip6 2001:db8:::15/64: expected an IPv6 address such as 2001:db8::15");
    EXPECT_EQ(rejection(tap_with_ipv6("ff02::1/64")),
              "--ip6 ff02::1/64: the address is a multicast address");
    EXPECT_EQ(rejection(tap_with_ipv6("::/64")),
              "--ip6 ::/64: the address is the unspecified address ::");
    EXPECT_NE(rejection(tap_with_ipv6("::ffff:10.0.2.15/64")).find("IPv4-mapped"),
              std::string::npos);
    EXPECT_NE(rejection(tap_with_ipv6("fe80::15/64")).find("link-local"), std::string::npos);
    EXPECT_NE(
        rejection(tap_with_ipv6("2001:db8::15/64", "2001:db9::1")).find("on the guest's link"),
        std::string::npos);
    EXPECT_EQ(rejection(tap_with_ipv6("2001:db8::15/64", "2001:db8::15")),
              "--gw6 2001:db8::15: that is the guest's own address");
}

TEST(NetworkPlan, Ipv6NeedsATap) {
    NetworkOptions options;
    options.address6 = "2001:db8::15/64";
    EXPECT_NE(rejection(options).find("--ip6 configures the guest's network interface"),
              std::string::npos);
    options.published = {"8080:80"};
    EXPECT_NE(rejection(options, ordinary_user).find("--ip6 2001:db8::15/64: "), std::string::npos);
}

} // namespace
} // namespace ingot
