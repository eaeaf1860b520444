// IPv4, IPv6 and MAC addresses as users type them: strict parsing (no octal, no shorthand) and the
// usual spelling back.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ingot {

using MacAddress = std::array<uint8_t, 6>;
using Ipv6Address = std::array<uint8_t, 16>; // network byte order

// Dotted quad, four decimal parts 0-255 without leading zeros; host byte order.
std::optional<uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(uint32_t address);

// RFC 4291 2.2 text (inet_pton's), and RFC 5952's canonical spelling back.
std::optional<Ipv6Address> parse_ipv6(std::string_view text);
std::string format_ipv6(const Ipv6Address& address);

// Six pairs of hex digits separated by colons.
std::optional<MacAddress> parse_mac(std::string_view text);
std::string format_mac(const MacAddress& mac);

// Decimal digits only, in [minimum, maximum].
std::optional<uint32_t> parse_decimal(std::string_view text, uint32_t minimum, uint32_t maximum);

} // namespace ingot
