#include "net/socket_address.h"

#include "lib/string.h"

namespace kernel::net {

namespace {

constexpr uint16_t swap16(uint16_t value) {
    return static_cast<uint16_t>((value << 8) | (value >> 8));
}

constexpr uint32_t swap32(uint32_t value) {
    return __builtin_bswap32(value);
}

} // namespace

ErrorOr<size_t> checked_address_length(int64_t length) {
    if (length < 0 || static_cast<uint64_t>(length) > max_socket_address_length)
        return EINVAL;
    return static_cast<size_t>(length);
}

ErrorOr<uint16_t> address_family(const void* address, size_t length) {
    if (length < sizeof(uint16_t))
        return EINVAL;
    uint16_t family;
    memcpy(&family, address, sizeof family);
    return family;
}

ErrorOr<Ipv4Endpoint> parse_inet_address(const void* address, size_t length,
                                         UnspecifiedFamily unspecified) {
    if (length < sizeof(LinuxSockaddrIn))
        return EINVAL;
    LinuxSockaddrIn raw;
    memcpy(&raw, address, sizeof raw);
    Ipv4Endpoint endpoint{{swap32(raw.address)}, swap16(raw.port)};
    if (raw.family == af_inet)
        return endpoint;
    if (raw.family != af_unspec)
        return EAFNOSUPPORT;
    if (unspecified == UnspecifiedFamily::inet ||
        (unspecified == UnspecifiedFamily::any_address_only && endpoint.address.is_any()))
        return endpoint;
    return EAFNOSUPPORT;
}

LinuxSockaddrIn encode_inet_address(Ipv4Endpoint endpoint) {
    LinuxSockaddrIn raw{};
    raw.family = af_inet;
    raw.port = swap16(endpoint.port);
    raw.address = swap32(endpoint.address.value);
    return raw;
}

ErrorOr<IpEndpoint> parse_inet6_address(const void* address, size_t length) {
    if (length < min_inet6_address_length)
        return EINVAL;
    LinuxSockaddrIn6 raw{};
    memcpy(&raw, address, min_inet6_address_length);
    if (raw.family != af_inet6)
        return EAFNOSUPPORT;
    Ipv6Address parsed;
    memcpy(parsed.bytes, raw.address, sizeof parsed.bytes);
    return IpEndpoint{IpAddress(parsed), swap16(raw.port)};
}

LinuxSockaddrIn6 encode_inet6_address(const IpEndpoint& endpoint) {
    LinuxSockaddrIn6 raw{};
    raw.family = af_inet6;
    raw.port = swap16(endpoint.port);
    memcpy(raw.address, endpoint.address.v6.bytes, sizeof raw.address);
    return raw;
}

} // namespace kernel::net
