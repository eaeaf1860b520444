// Ethernet II framing: destination, source, EtherType; no VLAN tags, no FCS.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

namespace ether_type {
inline constexpr uint16_t ipv4 = 0x0800;
inline constexpr uint16_t arp = 0x0806;
inline constexpr uint16_t ipv6 = 0x86dd;
} // namespace ether_type

inline constexpr size_t ethernet_header_length = 14;

struct EthernetHeader {
    MacAddress destination;
    MacAddress source;
    uint16_t type = 0;
};

// False when the frame is too short to hold a header.
bool parse_ethernet_header(const uint8_t* frame, size_t length, EthernetHeader& header);
void write_ethernet_header(uint8_t* frame, const EthernetHeader& header);

} // namespace kernel::net
