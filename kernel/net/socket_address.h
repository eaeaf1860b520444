// struct sockaddr_in as the socket calls take and give it: checked for length and family, and
// converted between network byte order (the program's) and Ipv4Endpoint's host order.
#pragma once

#include "lib/error_or.h"
#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

inline constexpr uint16_t af_unspec = 0;
inline constexpr uint16_t af_unix = 1;
inline constexpr uint16_t af_inet = 2;
inline constexpr uint16_t af_inet6 = 10;

// Linux copies no more than a struct sockaddr_storage from the program.
inline constexpr size_t max_socket_address_length = 128;

struct LinuxSockaddrIn {
    uint16_t family;
    uint16_t port;    // network byte order
    uint32_t address; // network byte order
    uint8_t zero[8];
};
static_assert(sizeof(LinuxSockaddrIn) == 16);

struct LinuxSockaddrIn6 {
    uint16_t family;
    uint16_t port; // network byte order
    uint32_t flow_info;
    uint8_t address[16];
    uint32_t scope_id;
};
static_assert(sizeof(LinuxSockaddrIn6) == 28);

// RFC 2133's sockaddr_in6 had no sin6_scope_id; Linux still takes one that short
// (SIN6_LEN_RFC2133).
inline constexpr size_t min_inet6_address_length = 24;

// The address length a program passed, as Linux checks it: EINVAL when negative or larger than
// a sockaddr_storage.
ErrorOr<size_t> checked_address_length(int64_t length);

// The family of an address of `length` bytes; EINVAL when too short to hold one.
ErrorOr<uint16_t> address_family(const void* address, size_t length);

// What AF_UNSPEC stands for where an AF_INET socket reads a sockaddr_in: nothing (refused),
// AF_INET with INADDR_ANY only (inet_bind's allowance for old programs), or AF_INET with any
// address (udp_sendmsg's).
enum class UnspecifiedFamily { refused, any_address_only, inet };

// An AF_INET address: EINVAL when shorter than a sockaddr_in, EAFNOSUPPORT for another family.
ErrorOr<Ipv4Endpoint>
parse_inet_address(const void* address, size_t length,
                   UnspecifiedFamily unspecified = UnspecifiedFamily::refused);

LinuxSockaddrIn encode_inet_address(Ipv4Endpoint endpoint);

// An AF_INET6 address, as Linux's inet6_bind and tcp_v6_connect check it: EINVAL when shorter
// than RFC 2133's sockaddr_in6, EAFNOSUPPORT for another family. An IPv4-mapped address comes
// back as the IPv4 address it maps (IpAddress::is_v4()).
ErrorOr<IpEndpoint> parse_inet6_address(const void* address, size_t length);

// An endpoint as an AF_INET6 socket reports it: an IPv4 one as ::ffff:a.b.c.d.
LinuxSockaddrIn6 encode_inet6_address(const IpEndpoint& endpoint);

} // namespace kernel::net
