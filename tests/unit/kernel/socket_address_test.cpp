#include "kernel/kernel_test_support.h"

#include "net/socket_address.h"

namespace {

using namespace kernel::net;

// A sockaddr_in as a program lays it out: family, then port and address in network order.
std::vector<uint8_t> sockaddr_bytes(uint16_t family, std::vector<uint8_t> port_and_address,
                                    size_t length = sizeof(LinuxSockaddrIn)) {
    std::vector<uint8_t> bytes(std::max<size_t>(length, 16), 0);
    bytes[0] = static_cast<uint8_t>(family);
    bytes[1] = static_cast<uint8_t>(family >> 8);
    std::copy(port_and_address.begin(), port_and_address.end(), bytes.begin() + 2);
    return bytes;
}

TEST(SocketAddress, ParsesNetworkByteOrder) {
    auto bytes = sockaddr_bytes(af_inet, {0x1f, 0x90, 10, 0, 2, 15});
    auto endpoint = parse_inet_address(bytes.data(), 16);
    ASSERT_OK(endpoint);
    EXPECT_EQ(endpoint.value().port, 8080);
    EXPECT_EQ(endpoint.value().address, Ipv4Address::from_octets(10, 0, 2, 15));
}

TEST(SocketAddress, AcceptsLongerLengthsAsLinuxDoes) {
    auto bytes = sockaddr_bytes(af_inet, {0, 80, 127, 0, 0, 1}, 28);
    auto endpoint = parse_inet_address(bytes.data(), 28);
    ASSERT_OK(endpoint);
    EXPECT_EQ(endpoint.value().port, 80);
}

TEST(SocketAddress, RefusesShortLengths) {
    auto bytes = sockaddr_bytes(af_inet, {0, 80, 127, 0, 0, 1});
    for (size_t length : {0, 1, 2, 8, 15})
        EXPECT_ERRNO(parse_inet_address(bytes.data(), length), EINVAL) << length;
}

TEST(SocketAddress, RefusesOtherFamilies) {
    for (uint16_t family : {af_inet6, af_unix, uint16_t{0xffff}}) {
        auto bytes = sockaddr_bytes(family, {0, 80, 127, 0, 0, 1});
        EXPECT_ERRNO(parse_inet_address(bytes.data(), 16), EAFNOSUPPORT) << family;
    }
}

TEST(SocketAddress, UnspecifiedFamilyAsEachCallerAllowsIt) {
    auto any = sockaddr_bytes(af_unspec, {0, 80, 0, 0, 0, 0});
    EXPECT_ERRNO(parse_inet_address(any.data(), 16), EAFNOSUPPORT);
    auto parsed = parse_inet_address(any.data(), 16, UnspecifiedFamily::any_address_only);
    ASSERT_OK(parsed);
    EXPECT_TRUE(parsed.value().address.is_any());
    auto specific = sockaddr_bytes(af_unspec, {0, 80, 10, 0, 0, 1});
    EXPECT_ERRNO(parse_inet_address(specific.data(), 16, UnspecifiedFamily::any_address_only),
                 EAFNOSUPPORT);
    auto sent_to = parse_inet_address(specific.data(), 16, UnspecifiedFamily::inet);
    ASSERT_OK(sent_to);
    EXPECT_EQ(sent_to.value(), (Ipv4Endpoint{Ipv4Address::from_octets(10, 0, 0, 1), 80}));
    auto other = sockaddr_bytes(af_inet6, {0, 80, 10, 0, 0, 1});
    EXPECT_ERRNO(parse_inet_address(other.data(), 16, UnspecifiedFamily::inet), EAFNOSUPPORT);
}

TEST(SocketAddress, EncodesWhatItParses) {
    Ipv4Endpoint endpoint{Ipv4Address::from_octets(192, 168, 1, 20), 54321};
    LinuxSockaddrIn raw = encode_inet_address(endpoint);
    const auto* bytes = reinterpret_cast<const uint8_t*>(&raw);
    EXPECT_EQ(bytes[0], af_inet);
    EXPECT_EQ(bytes[2], 54321 >> 8);
    EXPECT_EQ(bytes[3], 54321 & 0xff);
    EXPECT_EQ(bytes[4], 192);
    EXPECT_EQ(bytes[7], 20);
    for (int i = 8; i < 16; ++i)
        EXPECT_EQ(bytes[i], 0);
    auto parsed = parse_inet_address(&raw, sizeof raw);
    ASSERT_OK(parsed);
    EXPECT_EQ(parsed.value(), endpoint);
}

TEST(SocketAddress, LengthsLinuxWouldNotCopy) {
    EXPECT_ERRNO(checked_address_length(-1), EINVAL);
    EXPECT_ERRNO(checked_address_length(129), EINVAL);
    EXPECT_ERRNO(checked_address_length(int64_t{1} << 40), EINVAL);
    ASSERT_OK(checked_address_length(0));
    EXPECT_EQ(checked_address_length(128).value(), 128u);
}

TEST(SocketAddress, FamilyNeedsTwoBytes) {
    uint8_t bytes[2] = {af_inet, 0};
    EXPECT_ERRNO(address_family(bytes, 1), EINVAL);
    EXPECT_EQ(address_family(bytes, 2).value(), af_inet);
}

// A sockaddr_in6 of `length` bytes: family, port 443, flow info 0, `address`, scope 0.
std::vector<uint8_t> sockaddr6_bytes(uint16_t family, const uint8_t (&address)[16],
                                     size_t length = sizeof(LinuxSockaddrIn6)) {
    std::vector<uint8_t> bytes(std::max<size_t>(length, sizeof(LinuxSockaddrIn6)), 0);
    bytes[0] = static_cast<uint8_t>(family);
    bytes[1] = static_cast<uint8_t>(family >> 8);
    bytes[2] = 443 >> 8;
    bytes[3] = 443 & 0xff;
    std::copy(address, address + 16, bytes.begin() + 8);
    return bytes;
}

constexpr uint8_t ula[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15};
constexpr uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 2, 2};

TEST(SocketAddress6, ParsesAnIpv6Address) {
    auto bytes = sockaddr6_bytes(af_inet6, ula);
    auto endpoint = parse_inet6_address(bytes.data(), bytes.size());
    ASSERT_OK(endpoint);
    EXPECT_EQ(endpoint.value().port, 443);
    EXPECT_FALSE(endpoint.value().address.is_v4());
    EXPECT_EQ(endpoint.value().address.v6.bytes[0], 0xfd);
    EXPECT_EQ(endpoint.value().address.v6.bytes[15], 0x15);
}

TEST(SocketAddress6, AMappedAddressIsIpv4) {
    auto bytes = sockaddr6_bytes(af_inet6, mapped);
    auto endpoint = parse_inet6_address(bytes.data(), bytes.size());
    ASSERT_OK(endpoint);
    ASSERT_TRUE(endpoint.value().address.is_v4());
    EXPECT_EQ(endpoint.value().v4(), (Ipv4Endpoint{Ipv4Address::from_octets(10, 0, 2, 2), 443}));
}

TEST(SocketAddress6, TakesRfc2133LengthAndRefusesShorter) {
    auto bytes = sockaddr6_bytes(af_inet6, ula);
    ASSERT_OK(parse_inet6_address(bytes.data(), min_inet6_address_length));
    for (size_t length : {0, 2, 16, 23})
        EXPECT_ERRNO(parse_inet6_address(bytes.data(), length), EINVAL) << length;
}

TEST(SocketAddress6, RefusesOtherFamilies) {
    for (uint16_t family : {af_inet, af_unspec, af_unix}) {
        auto bytes = sockaddr6_bytes(family, ula);
        EXPECT_ERRNO(parse_inet6_address(bytes.data(), bytes.size()), EAFNOSUPPORT) << family;
    }
}

TEST(SocketAddress6, EncodesIpv4AsMapped) {
    LinuxSockaddrIn6 raw =
        encode_inet6_address(IpEndpoint(Ipv4Endpoint{Ipv4Address::from_octets(10, 0, 2, 2), 443}));
    EXPECT_EQ(raw.family, af_inet6);
    EXPECT_EQ(raw.flow_info, 0u);
    EXPECT_EQ(raw.scope_id, 0u);
    EXPECT_EQ(memcmp(raw.address, mapped, 16), 0);
    const auto* bytes = reinterpret_cast<const uint8_t*>(&raw);
    EXPECT_EQ(bytes[2], 443 >> 8);
    EXPECT_EQ(bytes[3], 443 & 0xff);
    auto parsed = parse_inet6_address(&raw, sizeof raw);
    ASSERT_OK(parsed);
    EXPECT_EQ(parsed.value(), IpEndpoint(Ipv4Endpoint{Ipv4Address::from_octets(10, 0, 2, 2), 443}));
}

} // namespace
