#include "net/ipv6_address.h"

namespace kernel::net {

bool same_prefix(const Ipv6Address& a, const Ipv6Address& b, uint8_t length) {
    if (length > 128)
        length = 128;
    size_t whole = length / 8;
    for (size_t i = 0; i < whole; ++i)
        if (a.bytes[i] != b.bytes[i])
            return false;
    unsigned bits = length % 8;
    if (bits == 0)
        return true;
    auto mask = static_cast<uint8_t>(0xff << (8 - bits));
    return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

Ipv6Address solicited_node_group(const Ipv6Address& address) {
    Ipv6Address group{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff}};
    group.bytes[13] = address.bytes[13];
    group.bytes[14] = address.bytes[14];
    group.bytes[15] = address.bytes[15];
    return group;
}

MacAddress multicast_mac(const Ipv6Address& group) {
    return {{0x33, 0x33, group.bytes[12], group.bytes[13], group.bytes[14], group.bytes[15]}};
}

Ipv6Address eui64_address(const Ipv6Address& prefix, const MacAddress& mac) {
    Ipv6Address address;
    for (size_t i = 0; i < 8; ++i)
        address.bytes[i] = prefix.bytes[i];
    address.bytes[8] = static_cast<uint8_t>(mac.bytes[0] ^ 0x02);
    address.bytes[9] = mac.bytes[1];
    address.bytes[10] = mac.bytes[2];
    address.bytes[11] = 0xff;
    address.bytes[12] = 0xfe;
    address.bytes[13] = mac.bytes[3];
    address.bytes[14] = mac.bytes[4];
    address.bytes[15] = mac.bytes[5];
    return address;
}

Ipv6Address link_local_address(const MacAddress& mac) {
    return eui64_address({{0xfe, 0x80}}, mac);
}

void format_ipv6(const Ipv6Address& address, char (&text)[ipv6_text_size]) {
    uint16_t groups[8];
    for (size_t i = 0; i < 8; ++i)
        groups[i] = static_cast<uint16_t>(address.bytes[2 * i] << 8 | address.bytes[2 * i + 1]);
    size_t best_start = 8, best_length = 0;
    for (size_t i = 0; i < 8;) {
        size_t run = 0;
        while (i + run < 8 && groups[i + run] == 0)
            ++run;
        if (run >= 2 && run > best_length) {
            best_start = i;
            best_length = run;
        }
        i += run ? run : 1;
    }
    // At most 8 groups of 4 digits and 7 separators: always within the 46 bytes.
    size_t at = 0;
    for (size_t i = 0; i < 8; ++i) {
        if (i == best_start) {
            text[at++] = ':';
            text[at++] = ':';
            i += best_length - 1;
            continue;
        }
        if (i != 0 && i != best_start + best_length)
            text[at++] = ':';
        bool leading = true;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned digit = (groups[i] >> shift) & 0xf;
            if (leading && digit == 0 && shift != 0)
                continue;
            leading = false;
            text[at++] = "0123456789abcdef"[digit];
        }
    }
    text[at] = '\0';
}

} // namespace kernel::net
