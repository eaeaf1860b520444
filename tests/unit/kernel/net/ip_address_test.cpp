#include "kernel/kernel_test_support.h"

#include "net/address.h"
#include "net/ipv6_address.h"

#include <arpa/inet.h>
#include <string>

namespace {

using namespace kernel::net;

constexpr Ipv6Address v6(std::initializer_list<uint8_t> bytes) {
    Ipv6Address address;
    size_t i = 0;
    for (uint8_t byte : bytes)
        address.bytes[i++] = byte;
    return address;
}

TEST(IpAddress, Ipv4IsHeldAsItsMappedForm) {
    IpAddress address(Ipv4Address::from_octets(10, 0, 2, 15));
    EXPECT_TRUE(address.is_v4());
    EXPECT_EQ(address.v4(), Ipv4Address::from_octets(10, 0, 2, 15));
    EXPECT_EQ(address.v6, v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 2, 15}));
    EXPECT_EQ(address, IpAddress(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 2, 15})));
}

TEST(IpAddress, Ipv6IsNotIpv4) {
    IpAddress address(v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15}));
    EXPECT_FALSE(address.is_v4());
    EXPECT_FALSE(address.is_any());
    // ::a.b.c.d (RFC 4291's deprecated IPv4-compatible form) and ::ffff:0:a.b.c.d are IPv6.
    EXPECT_FALSE(IpAddress(v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 2, 15})).is_v4());
    EXPECT_FALSE(IpAddress(v6({0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 10, 0, 2, 15})).is_v4());
}

TEST(IpAddress, EachFamilyHasItsOwnWildcard) {
    IpAddress v4_any(Ipv4Address::any());
    IpAddress v6_any(Ipv6Address::any());
    EXPECT_TRUE(v4_any.is_any());
    EXPECT_TRUE(v4_any.is_v4());
    EXPECT_TRUE(v6_any.is_any());
    EXPECT_FALSE(v6_any.is_v4());
    EXPECT_NE(v4_any, v6_any);
    EXPECT_FALSE(IpAddress(Ipv4Address::from_octets(0, 0, 0, 1)).is_any());
}

TEST(IpEndpoint, CarriesAnIpv4EndpointBothWays) {
    Ipv4Endpoint endpoint{Ipv4Address::from_octets(192, 168, 1, 20), 54321};
    IpEndpoint both(endpoint);
    EXPECT_TRUE(both.address.is_v4());
    EXPECT_EQ(both.port, 54321);
    EXPECT_EQ(both.v4(), endpoint);
    EXPECT_NE(both, (IpEndpoint{both.address, 54322}));
}

// RFC 5952's text, as glibc's inet_ntop writes it (but without its dotted ::ffff:a.b.c.d).
std::string text_of(const Ipv6Address& address) {
    char text[ipv6_text_size];
    format_ipv6(address, text);
    return text;
}

TEST(Ipv6Text, IsTheCanonicalForm) {
    EXPECT_EQ(text_of(Ipv6Address::any()), "::");
    EXPECT_EQ(text_of(Ipv6Address::loopback()), "::1");
    EXPECT_EQ(text_of(v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15})),
              "2001:db8::15");
    EXPECT_EQ(text_of(v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 0x15})),
              "fe80::ff:fe00:15:0");
    EXPECT_EQ(text_of(v6({0, 1})), "1::");
    EXPECT_EQ(text_of(v6({0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0})), "1:0:2::3:0:0")
        << "a lone zero group stays; the first of the longest runs is compressed";
    EXPECT_EQ(text_of(v6({0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4})), "1::2:0:0:3:4")
        << "of two equal runs, the first";
    EXPECT_EQ(text_of(v6({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff})),
              "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    // Whatever it writes, inet_pton reads back as the same address.
    for (unsigned seed = 0; seed < 2000; ++seed) {
        Ipv6Address address;
        for (size_t i = 0; i < 16; i += 2)
            if ((seed >> (i / 2)) & 1)
                address.bytes[i + 1] = static_cast<uint8_t>(seed * 7 + i);
        std::string text = text_of(address);
        Ipv6Address parsed;
        ASSERT_EQ(inet_pton(AF_INET6, text.c_str(), parsed.bytes), 1) << text;
        EXPECT_EQ(parsed, address) << text;
    }
}

} // namespace
