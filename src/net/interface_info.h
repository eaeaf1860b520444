// What the interface takeover needs to know of an interface of ingot's network namespace, read
// over rtnetlink: its link (index, kind, MAC, MTU), its IPv4 address and the main table's
// default route through it.
#pragma once

#include "net/address_text.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ingot {

struct InterfaceLink {
    unsigned index = 0;
    bool loopback = false;
    bool ethernet = false; // ARPHRD_ETHER: frames with Ethernet headers, which a tap carries
    MacAddress mac{};
    uint32_t mtu = 0;
};

struct InterfaceAddress {
    uint32_t address = 0; // host byte order
    uint8_t prefix_length = 0;
};

// Nothing when no interface has that name. Throws UserError when netlink fails.
std::optional<InterfaceLink> read_interface_link(const std::string& name);
// The interface's first primary IPv4 address (as `ip -4 addr` lists it), or nothing.
std::optional<InterfaceAddress> read_interface_address(unsigned index);
// The gateway of the main table's IPv4 default route through the interface; 0 when there is
// none (or it has no gateway: an on-link default).
uint32_t read_default_gateway(unsigned index);

} // namespace ingot
