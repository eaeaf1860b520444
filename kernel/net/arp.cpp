#include "net/arp.h"

#include "lib/string.h"
#include "net/byte_order.h"
#include "net/ethernet.h"

namespace kernel::net {

namespace {
constexpr uint16_t hardware_ethernet = 1;
} // namespace

bool parse_arp_packet(const uint8_t* data, size_t length, ArpPacket& packet) {
    if (length < arp_packet_length)
        return false;
    if (load_be16(data) != hardware_ethernet || load_be16(data + 2) != ether_type::ipv4 ||
        data[4] != 6 || data[5] != 4)
        return false;
    packet.operation = load_be16(data + 6);
    if (packet.operation != arp_operation::request && packet.operation != arp_operation::reply)
        return false;
    memcpy(packet.sender_mac.bytes, data + 8, 6);
    packet.sender_address = {load_be32(data + 14)};
    memcpy(packet.target_mac.bytes, data + 18, 6);
    packet.target_address = {load_be32(data + 24)};
    return true;
}

void write_arp_packet(uint8_t* data, const ArpPacket& packet) {
    store_be16(data, hardware_ethernet);
    store_be16(data + 2, ether_type::ipv4);
    data[4] = 6;
    data[5] = 4;
    store_be16(data + 6, packet.operation);
    memcpy(data + 8, packet.sender_mac.bytes, 6);
    store_be32(data + 14, packet.sender_address.value);
    memcpy(data + 18, packet.target_mac.bytes, 6);
    store_be32(data + 24, packet.target_address.value);
}

} // namespace kernel::net
