#include "kernel/kernel_test_support.h"

#include "platform/pvh/command_line.h"

namespace {

using kernel::net::Ipv4Address;
using kernel::pvh::CommandLine;

struct Parsed {
    std::unique_ptr<CommandLine> command_line = std::make_unique<CommandLine>();
    std::string text; // the spans point into it
};

std::unique_ptr<Parsed> parse(const std::string& text) {
    auto parsed = std::make_unique<Parsed>();
    parsed->text = text;
    EXPECT_EQ(kernel_test::outcome(kernel::pvh::parse_command_line(
                  parsed->text.data(), parsed->text.size(), *parsed->command_line)),
              "OK");
    return parsed;
}

std::vector<std::string> rejected(const CommandLine& command_line) {
    std::vector<std::string> tokens;
    size_t kept = std::min(command_line.rejected_option_count, kernel::pvh::max_rejected_options);
    for (size_t i = 0; i < kept; ++i)
        tokens.emplace_back(command_line.rejected_options[i].text,
                            command_line.rejected_options[i].length);
    return tokens;
}

TEST(CommandLineNetwork, NoOptionsMeansNoConfiguration) {
    auto parsed = parse("ingot.console=framed");
    const auto& network = parsed->command_line->network;
    EXPECT_TRUE(network.address.is_any());
    EXPECT_EQ(network.prefix_length, 0);
    EXPECT_TRUE(network.gateway.is_any());
    EXPECT_TRUE(network.dns.is_any());
    EXPECT_FALSE(network.use_dhcp);
    EXPECT_EQ(parsed->command_line->rejected_option_count, 0u);
}

TEST(CommandLineNetwork, ReadsAddressPrefixGatewayAndDns) {
    auto parsed =
        parse("ingot.ip=10.0.2.15/24 ingot.gw=10.0.2.1 ingot.dns=192.168.255.254 -- prog");
    const auto& network = parsed->command_line->network;
    EXPECT_EQ(network.address, Ipv4Address::from_octets(10, 0, 2, 15));
    EXPECT_EQ(network.prefix_length, 24);
    EXPECT_EQ(network.netmask(), 0xffffff00u);
    EXPECT_EQ(network.gateway, Ipv4Address::from_octets(10, 0, 2, 1));
    EXPECT_EQ(network.dns, Ipv4Address::from_octets(192, 168, 255, 254));
    EXPECT_FALSE(network.use_dhcp);
}

TEST(CommandLineNetwork, ReadsDhcp) {
    auto parsed = parse("ingot.dhcp");
    EXPECT_TRUE(parsed->command_line->network.use_dhcp);
}

TEST(CommandLineNetwork, PrefixBoundsAreAccepted) {
    auto parsed = parse("ingot.ip=0.0.0.0/0");
    EXPECT_EQ(parsed->command_line->rejected_option_count, 0u);
    parsed = parse("ingot.ip=255.255.255.255/32");
    EXPECT_EQ(parsed->command_line->network.address.value, 0xffffffffu);
    EXPECT_EQ(parsed->command_line->network.prefix_length, 32);
}

TEST(CommandLineNetwork, MalformedValuesAreRejectedAndChangeNothing) {
    const char* bad[] = {"ingot.ip=10.0.2.15",
                         "ingot.ip=10.0.2.15/33",
                         "ingot.ip=10.0.2/24",
                         "ingot.ip=10.0.2.256/24",
                         "ingot.ip=10.0.2.15/24x",
                         "ingot.ip=10..2.15/24",
                         "ingot.ip=/24",
                         "ingot.ip=",
                         "ingot.gw=10.0.2.1.5",
                         "ingot.gw=-1.0.0.0",
                         "ingot.dns=example.test",
                         "ingot.dns=1.2.3.4/8",
                         "ingot.ip=99999999999.0.0.1/8"};
    for (const char* option : bad) {
        auto parsed = parse(std::string("ingot.ip=10.0.2.15/24 ingot.gw=10.0.2.1 ") +
                            "ingot.dns=10.0.2.3 " + option);
        const auto& network = parsed->command_line->network;
        EXPECT_EQ(network.address, Ipv4Address::from_octets(10, 0, 2, 15)) << option;
        EXPECT_EQ(network.prefix_length, 24) << option;
        EXPECT_EQ(network.gateway, Ipv4Address::from_octets(10, 0, 2, 1)) << option;
        EXPECT_EQ(network.dns, Ipv4Address::from_octets(10, 0, 2, 3)) << option;
        std::string first_token = std::string(option).substr(0, std::string(option).find(' '));
        EXPECT_EQ(rejected(*parsed->command_line), std::vector<std::string>{first_token}) << option;
    }
}

TEST(CommandLineNetwork, CountsRejectionsBeyondThoseKept) {
    std::string text;
    for (int i = 0; i < 10; ++i)
        text += "ingot.gw=bad ";
    auto parsed = parse(text);
    EXPECT_EQ(parsed->command_line->rejected_option_count, 10u);
    EXPECT_EQ(rejected(*parsed->command_line).size(), kernel::pvh::max_rejected_options);
}

TEST(CommandLineNetwork, OptionsAfterTheSeparatorAreArguments) {
    auto parsed = parse("-- ingot.ip=10.0.2.15/24 ingot.dhcp");
    EXPECT_TRUE(parsed->command_line->network.address.is_any());
    EXPECT_FALSE(parsed->command_line->network.use_dhcp);
}

} // namespace

namespace {

kernel::net::Ipv6Address v6(std::initializer_list<uint8_t> bytes) {
    kernel::net::Ipv6Address address;
    std::copy(bytes.begin(), bytes.end(), address.bytes);
    return address;
}

TEST(CommandLineNetwork, ReadsIpv6AddressAndGateway) {
    auto parsed = parse("ingot.ip6=2001:db8:0:1::15/64 ingot.gw6=fe80::1 -- prog");
    const auto& network = parsed->command_line->network;
    EXPECT_EQ(network.address6,
              v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x15}));
    EXPECT_EQ(network.prefix_length6, 64);
    EXPECT_EQ(network.gateway6, v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(parsed->command_line->rejected_option_count, 0u);
}

TEST(CommandLineNetwork, ReadsEveryIpv6TextForm) {
    auto full = parse("ingot.ip6=1:2:3:4:5:6:7:8/128");
    EXPECT_EQ(full->command_line->network.address6,
              v6({0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}));
    auto leading = parse("ingot.gw6=::ABCD");
    EXPECT_EQ(leading->command_line->network.gateway6,
              v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd}));
    auto trailing = parse("ingot.gw6=fd00::");
    EXPECT_EQ(trailing->command_line->network.gateway6, v6({0xfd}));
}

TEST(CommandLineNetwork, RejectsMalformedIpv6Options) {
    const char* bad[] = {"ingot.ip6=2001:db8::15",
                         "ingot.ip6=2001:db8::15/129",
                         "ingot.ip6=2001:db8:::15/64",
                         "ingot.ip6=2001::db8::15/64",
                         "ingot.ip6=1:2:3:4:5:6:7:8:9/64",
                         "ingot.ip6=1:2:3:4:5:6:7/64",
                         "ingot.ip6=12345::1/64",
                         "ingot.ip6=2001:db8::g/64",
                         "ingot.ip6=:1::/64",
                         "ingot.ip6=1::2:/64",
                         "ingot.gw6=1:2:3:4::5:6:7:8",
                         "ingot.gw6=10.0.2.1",
                         "ingot.gw6="};
    for (const char* token : bad) {
        auto parsed = parse(token);
        const auto& network = parsed->command_line->network;
        EXPECT_TRUE(network.address6.is_any()) << token;
        EXPECT_TRUE(network.gateway6.is_any()) << token;
        EXPECT_EQ(rejected(*parsed->command_line), std::vector<std::string>{token});
    }
}

} // namespace
