// Link and network addresses, kept in host byte order; the wire format is converted at the
// edges (byte_order.h).
#pragma once

#include <stdint.h>

namespace kernel::net {

struct MacAddress {
    uint8_t bytes[6] = {};

    static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    constexpr bool operator==(const MacAddress&) const = default;
};

struct Ipv4Address {
    uint32_t value = 0; // host byte order: 10.0.2.15 is 0x0a00020f

    static constexpr Ipv4Address from_octets(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
        return {(uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(c) << 8) | d};
    }
    static constexpr Ipv4Address any() { return {0}; }
    static constexpr Ipv4Address limited_broadcast() { return {0xffffffff}; }

    constexpr bool is_any() const { return value == 0; }
    constexpr bool is_loopback() const { return (value >> 24) == 127; }
    constexpr bool is_multicast() const { return (value >> 28) == 0xe; }
    constexpr bool operator==(const Ipv4Address&) const = default;
};

// 128 bits in network order (RFC 4291): no arithmetic is done on them, only comparisons and
// prefixes, so the bytes stay as on the wire.
struct Ipv6Address {
    uint8_t bytes[16] = {};

    static constexpr Ipv6Address any() { return {}; }
    // ::1 (RFC 4291 2.5.3).
    static constexpr Ipv6Address loopback() {
        return {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    }
    // ff02::1 and ff02::2 (RFC 4291 2.7.1).
    static constexpr Ipv6Address all_nodes() {
        return {{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    }
    static constexpr Ipv6Address all_routers() {
        return {{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}};
    }

    constexpr bool is_any() const { return *this == Ipv6Address{}; }
    constexpr bool is_loopback() const { return *this == loopback(); }
    // The address's 32-bit words, 0 to 3, most significant first: what hashes take.
    constexpr uint32_t word(int index) const {
        const uint8_t* at = bytes + 4 * index;
        return (uint32_t(at[0]) << 24) | (uint32_t(at[1]) << 16) | (uint32_t(at[2]) << 8) | at[3];
    }
    constexpr bool is_multicast() const { return bytes[0] == 0xff; }
    constexpr bool is_link_local() const { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }
    constexpr bool operator==(const Ipv6Address&) const = default;
};

// An address and a port, as bind/connect/accept speak of them.
struct Ipv4Endpoint {
    Ipv4Address address;
    uint16_t port = 0; // host byte order

    constexpr bool operator==(const Ipv4Endpoint&) const = default;
};

// An address of either family, for the transports that run over both (TCP, UDP). IPv4 is
// held as its IPv4-mapped IPv6 form ::ffff:a.b.c.d (RFC 4291 2.5.5.2), as a dual-stack AF_INET6
// socket shows it to the program, so that one comparison and one hash serve both families.
// 0.0.0.0 maps to ::ffff:0.0.0.0, distinct from ::, the wildcard of both families.
struct IpAddress {
    Ipv6Address v6;

    constexpr IpAddress() = default;
    constexpr IpAddress(const Ipv6Address& address) : v6(address) {}
    constexpr IpAddress(Ipv4Address address)
        : v6{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, uint8_t(address.value >> 24),
              uint8_t(address.value >> 16), uint8_t(address.value >> 8), uint8_t(address.value)}} {}

    constexpr bool is_v4() const {
        for (int i = 0; i < 10; ++i)
            if (v6.bytes[i] != 0)
                return false;
        return v6.bytes[10] == 0xff && v6.bytes[11] == 0xff;
    }
    // Meaningful when is_v4().
    constexpr Ipv4Address v4() const {
        return {(uint32_t(v6.bytes[12]) << 24) | (uint32_t(v6.bytes[13]) << 16) |
                (uint32_t(v6.bytes[14]) << 8) | v6.bytes[15]};
    }
    // The wildcard of its family: 0.0.0.0 or ::.
    constexpr bool is_any() const { return is_v4() ? v4().is_any() : v6.is_any(); }
    constexpr bool is_loopback() const { return is_v4() ? v4().is_loopback() : v6.is_loopback(); }
    constexpr bool is_multicast() const {
        return is_v4() ? v4().is_multicast() : v6.is_multicast();
    }
    constexpr bool operator==(const IpAddress&) const = default;
};

// An address of either family and a port.
struct IpEndpoint {
    IpAddress address;
    uint16_t port = 0; // host byte order

    constexpr IpEndpoint() = default;
    constexpr IpEndpoint(const IpAddress& address_, uint16_t port_)
        : address(address_), port(port_) {}
    constexpr IpEndpoint(Ipv4Endpoint endpoint) : address(endpoint.address), port(endpoint.port) {}

    // Meaningful when address.is_v4().
    constexpr Ipv4Endpoint v4() const { return {address.v4(), port}; }
    constexpr bool operator==(const IpEndpoint&) const = default;
};

// The interface's configuration, from the platform (ingot run's --ip/--gw/--dns, or DHCP).
struct InterfaceConfig {
    Ipv4Address address;
    uint8_t prefix_length = 0;
    Ipv4Address gateway; // any(): no route beyond the subnet
    Ipv4Address dns;     // any(): none known
    bool use_dhcp = false;
    // IPv6 (ingot run's --ip6/--gw6); any(): none. The link-local address is always formed,
    // and router advertisements may add more.
    Ipv6Address address6 = {};
    uint8_t prefix_length6 = 0;
    Ipv6Address gateway6 = {};

    constexpr uint32_t netmask() const {
        return prefix_length == 0 ? 0 : ~uint32_t(0) << (32 - prefix_length);
    }
};

} // namespace kernel::net
