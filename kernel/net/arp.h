// ARP for IPv4 over Ethernet (RFC 826): the 28-byte packet.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

inline constexpr size_t arp_packet_length = 28;

namespace arp_operation {
inline constexpr uint16_t request = 1;
inline constexpr uint16_t reply = 2;
} // namespace arp_operation

struct ArpPacket {
    uint16_t operation = 0;
    MacAddress sender_mac;
    Ipv4Address sender_address;
    MacAddress target_mac;
    Ipv4Address target_address;
};

// False unless it is a well-formed Ethernet/IPv4 request or reply.
bool parse_arp_packet(const uint8_t* data, size_t length, ArpPacket& packet);
void write_arp_packet(uint8_t* data, const ArpPacket& packet);

} // namespace kernel::net
