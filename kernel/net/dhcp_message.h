// DHCP messages (RFC 2131, options from RFC 2132) as the client writes and reads them.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

namespace dhcp_message_type {
inline constexpr uint8_t discover = 1;
inline constexpr uint8_t offer = 2;
inline constexpr uint8_t request = 3;
inline constexpr uint8_t decline = 4;
inline constexpr uint8_t ack = 5;
inline constexpr uint8_t nak = 6;
inline constexpr uint8_t release = 7;
} // namespace dhcp_message_type

inline constexpr uint16_t dhcp_server_port = 67;
inline constexpr uint16_t dhcp_client_port = 68;
// The fixed BOOTP part, the magic cookie, and room for the options the client sends; also
// the minimum BOOTP message size relays expect (RFC 1542).
inline constexpr size_t dhcp_message_size = 300;

struct DhcpMessage {
    uint8_t op = 0; // 1 request, 2 reply
    uint32_t transaction_id = 0;
    bool broadcast = false;
    Ipv4Address client_address; // ciaddr
    Ipv4Address your_address;   // yiaddr
    MacAddress client_mac;
    uint8_t type = 0;
    // Options; any() or 0 when absent.
    Ipv4Address requested_address;
    Ipv4Address server_identifier;
    Ipv4Address subnet_mask;
    Ipv4Address router;
    Ipv4Address dns_server;
    uint32_t lease_seconds = 0;
    uint32_t renewal_seconds = 0;   // T1
    uint32_t rebinding_seconds = 0; // T2
};

// Writes a client message into `data` (dhcp_message_size bytes); returns its length.
size_t write_dhcp_message(uint8_t* data, const DhcpMessage& message);
// False unless it is a well-formed BOOTP reply carrying a DHCP message type.
bool parse_dhcp_message(const uint8_t* data, size_t length, DhcpMessage& message);

} // namespace kernel::net
