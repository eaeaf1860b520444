#include "kernel/kernel_test_support.h"

#include "net/address.h"

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

} // namespace
