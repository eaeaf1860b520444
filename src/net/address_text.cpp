#include "net/address_text.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include <string>

namespace ingot {

std::optional<uint32_t> parse_decimal(std::string_view text, uint32_t minimum, uint32_t maximum) {
    if (text.empty() || text.size() > 10)
        return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (value < minimum || value > maximum)
        return std::nullopt;
    return static_cast<uint32_t>(value);
}

std::optional<uint32_t> parse_ipv4(std::string_view text) {
    uint32_t address = 0;
    for (int part = 0; part < 4; ++part) {
        size_t end = part < 3 ? text.find('.') : text.size();
        if (end == std::string_view::npos)
            return std::nullopt;
        std::string_view digits = text.substr(0, end);
        // "010" would be octal to inet_aton and decimal to a reader: refuse the ambiguity.
        if (digits.size() > 1 && digits.front() == '0')
            return std::nullopt;
        std::optional<uint32_t> value = parse_decimal(digits, 0, 255);
        if (!value)
            return std::nullopt;
        address = address << 8 | *value;
        text.remove_prefix(part < 3 ? end + 1 : end);
    }
    return address;
}

std::string format_ipv4(uint32_t address) {
    return fmt::format("{}.{}.{}.{}", address >> 24, address >> 16 & 0xff, address >> 8 & 0xff,
                       address & 0xff);
}

std::optional<Ipv6Address> parse_ipv6(std::string_view text) {
    Ipv6Address address{};
    if (inet_pton(AF_INET6, std::string(text).c_str(), address.data()) != 1)
        return std::nullopt;
    return address;
}

std::string format_ipv6(const Ipv6Address& address) {
    char text[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, address.data(), text, sizeof text);
}

namespace {

std::optional<uint8_t> hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f')
        return static_cast<uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return static_cast<uint8_t>(c - 'A' + 10);
    return std::nullopt;
}

} // namespace

std::optional<MacAddress> parse_mac(std::string_view text) {
    if (text.size() != 17)
        return std::nullopt;
    MacAddress mac;
    for (size_t i = 0; i < mac.size(); ++i) {
        if (i > 0 && text[i * 3 - 1] != ':')
            return std::nullopt;
        std::optional<uint8_t> high = hex_digit(text[i * 3]);
        std::optional<uint8_t> low = hex_digit(text[i * 3 + 1]);
        if (!high || !low)
            return std::nullopt;
        mac[i] = static_cast<uint8_t>(*high << 4 | *low);
    }
    return mac;
}

std::string format_mac(const MacAddress& mac) {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3],
                       mac[4], mac[5]);
}

} // namespace ingot
