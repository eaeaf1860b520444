#include "net/link.h"

#include "lib/string.h"
#include "net/arp.h"
#include "net/byte_order.h"
#include "net/checksum.h"
#include "net/ethernet.h"
#include "net/packet_buffer.h"

namespace kernel::net {

namespace {

bool is_unicast(const MacAddress& mac) {
    return (mac.bytes[0] & 1) == 0;
}

} // namespace

EthernetLink::EthernetLink(NetDevice& device, const Environment& environment,
                           StackStatistics& statistics)
    : m_device(device), m_environment(environment), m_statistics(statistics),
      m_mac(device.mac_address()) {}

void EthernetLink::set_address(Ipv4Address address) {
    if (address == m_address)
        return;
    m_address = address;
    m_arp.clear();
}

void EthernetLink::receive_frame(const uint8_t* frame, size_t length, bool checksum_verified) {
    ++m_statistics.frames_received;
    m_statistics.bytes_received += length;
    EthernetHeader header;
    if (!parse_ethernet_header(frame, length, header)) {
        ++m_statistics.dropped_malformed;
        return;
    }
    // IPv6 multicast groups map onto 33:33 (RFC 2464 7); which groups are ours is for the IPv6
    // layer to say.
    bool ipv6_multicast = header.type == ether_type::ipv6 && header.destination.bytes[0] == 0x33 &&
                          header.destination.bytes[1] == 0x33;
    if (header.destination != m_mac && header.destination != MacAddress::broadcast() &&
        !ipv6_multicast) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    const uint8_t* payload = frame + ethernet_header_length;
    size_t payload_length = length - ethernet_header_length;
    switch (header.type) {
    case ether_type::arp:
        receive_arp(payload, payload_length);
        return;
    case ether_type::ipv4:
        if (m_ipv4_input)
            m_ipv4_input->receive_ipv4(payload, payload_length, checksum_verified);
        return;
    case ether_type::ipv6:
        if (m_ipv6_input)
            m_ipv6_input->receive_ipv6(payload, payload_length, checksum_verified);
        return;
    default:
        ++m_statistics.dropped_not_for_us;
        return;
    }
}

void EthernetLink::receive_arp(const uint8_t* data, size_t length) {
    ArpPacket packet;
    if (!parse_arp_packet(data, length, packet) || !is_unicast(packet.sender_mac)) {
        ++m_statistics.dropped_malformed;
        return;
    }
    if (m_address.is_any() || packet.sender_address.is_any() ||
        packet.sender_address == m_address) {
        // Unconfigured, a probe, or someone else claiming our address: nothing to learn.
        return;
    }
    bool for_us = packet.target_address == m_address;
    PacketQueue released;
    uint64_t now = m_environment.now_ns();
    m_arp.learn(packet.sender_address, packet.sender_mac, now, for_us, released);
    while (PacketBuffer* waiting = released.take_first()) {
        TransmitFragment fragment{waiting->data(), waiting->length};
        (void)transmit_to(packet.sender_mac, &fragment, 1, waiting->owed_offload());
        PacketBuffer::destroy(waiting);
    }
    if (for_us && packet.operation == arp_operation::request)
        send_arp(arp_operation::reply, packet.sender_mac, packet.sender_mac, packet.sender_address);
}

void EthernetLink::send_arp(uint16_t operation, MacAddress destination, MacAddress target_mac,
                            Ipv4Address target_address) {
    uint8_t frame[ethernet_header_length + arp_packet_length];
    write_ethernet_header(frame, {destination, m_mac, ether_type::arp});
    write_arp_packet(frame + ethernet_header_length,
                     {operation, m_mac, m_address, target_mac, target_address});
    TransmitFragment fragment{frame, sizeof frame};
    transmit(&fragment, 1, nullptr);
}

void EthernetLink::announce() {
    if (!m_address.is_any())
        send_arp(arp_operation::request, MacAddress::broadcast(), MacAddress{}, m_address);
}

bool EthernetLink::transmit(const TransmitFragment* fragments, size_t count,
                            const ChecksumRequest* checksum) {
    if (!m_device.offers_checksum_offload())
        checksum = nullptr;
    bool queued = m_device.transmit(fragments, count, checksum);
    if (!queued) {
        // The ring is full of frames the host has not been told about yet.
        m_device.flush();
        queued = m_device.transmit(fragments, count, checksum);
    }
    if (!queued) {
        ++m_statistics.dropped_device_full;
        return false;
    }
    ++m_statistics.frames_sent;
    for (size_t i = 0; i < count; ++i)
        m_statistics.bytes_sent += fragments[i].length;
    m_transmitted = true;
    return true;
}

ErrorOr<LinkOutcome> EthernetLink::transmit_to(MacAddress destination,
                                               const TransmitFragment* fragments, size_t count,
                                               const ChecksumRequest* checksum, uint16_t type) {
    uint8_t header[ethernet_header_length];
    write_ethernet_header(header, {destination, m_mac, type});
    TransmitFragment frame[max_fragments + 1];
    frame[0] = {header, sizeof header};
    for (size_t i = 0; i < count; ++i)
        frame[i + 1] = fragments[i];
    ChecksumRequest frame_checksum{0, 0};
    if (checksum) {
        frame_checksum = *checksum;
        frame_checksum.start = static_cast<uint16_t>(checksum->start + ethernet_header_length);
    }
    if (!transmit(frame, count + 1, checksum ? &frame_checksum : nullptr))
        return EAGAIN;
    return LinkOutcome::sent;
}

ErrorOr<LinkOutcome> EthernetLink::hold_for_arp(Ipv4Address next_hop,
                                                const TransmitFragment* fragments, size_t count,
                                                const ChecksumRequest* checksum) {
    PacketBuffer* packet = PacketBuffer::create(fragments, count);
    if (!packet) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    // The offload goes with the copy: a segment to cut cannot be sent whole later.
    packet->keep_offload(checksum);
    switch (m_arp.hold(next_hop, packet, m_environment.now_ns())) {
    case ArpCache::HoldResult::send_request:
        send_arp(arp_operation::request, MacAddress::broadcast(), MacAddress{}, next_hop);
        return LinkOutcome::queued;
    case ArpCache::HoldResult::waiting:
        return LinkOutcome::queued;
    case ArpCache::HoldResult::dropped:
        ++m_statistics.dropped_no_memory;
        return LinkOutcome::dropped;
    }
    return LinkOutcome::dropped;
}

ErrorOr<LinkOutcome> EthernetLink::send_ipv4(Ipv4Address next_hop, bool broadcast,
                                             const TransmitFragment* fragments, size_t count,
                                             const ChecksumRequest* checksum) {
    if (count > max_fragments) {
        PacketBuffer* packet = PacketBuffer::create(fragments, count);
        if (!packet) {
            ++m_statistics.dropped_no_memory;
            return EAGAIN;
        }
        TransmitFragment whole{packet->data(), packet->length};
        auto outcome = send_ipv4(next_hop, broadcast, &whole, 1, checksum);
        PacketBuffer::destroy(packet);
        return outcome;
    }
    if (broadcast)
        return transmit_to(MacAddress::broadcast(), fragments, count, checksum);
    if (const MacAddress* mac = m_arp.lookup(next_hop))
        return transmit_to(*mac, fragments, count, checksum);
    return hold_for_arp(next_hop, fragments, count, checksum);
}

ErrorOr<void> EthernetLink::send_ipv6(MacAddress destination, const TransmitFragment* fragments,
                                      size_t count, const ChecksumRequest* checksum) {
    if (count > max_fragments) {
        PacketBuffer* packet = PacketBuffer::create(fragments, count);
        if (!packet) {
            ++m_statistics.dropped_no_memory;
            return EAGAIN;
        }
        TransmitFragment whole{packet->data(), packet->length};
        auto outcome = send_ipv6(destination, &whole, 1, checksum);
        PacketBuffer::destroy(packet);
        return outcome;
    }
    TRY(transmit_to(destination, fragments, count, checksum, ether_type::ipv6));
    return {};
}

void EthernetLink::request_again(void* context, Ipv4Address address) {
    auto& link = *static_cast<EthernetLink*>(context);
    link.send_arp(arp_operation::request, MacAddress::broadcast(), MacAddress{}, address);
}

void EthernetLink::run_timers(uint64_t now) {
    uint64_t deadline = m_arp.next_deadline_ns();
    if (deadline == 0 || now < deadline)
        return;
    m_statistics.arp_unresolved += m_arp.run_timers(now, request_again, this);
}

} // namespace kernel::net
