#include "net/ipv6.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "net/byte_order.h"
#include "net/checksum.h"
#include "net/icmpv6.h"
#include "net/ipv6_address.h"
#include "net/packet_buffer.h"

namespace kernel::net {

namespace {

// Link-scope multicast (ff02::/16) and link-local unicast stay on the link.
bool is_link_scope(const Ipv6Address& address) {
    return address.is_link_local() || (address.is_multicast() && (address.bytes[1] & 0xf) == 2);
}

} // namespace

Ipv6Layer::Ipv6Layer(EthernetLink& link, const Environment& environment,
                     StackStatistics& statistics)
    : m_link(link), m_environment(environment), m_statistics(statistics),
      m_device_mtu(min<size_t>(max<size_t>(link.device().mtu(), ipv6_minimum_mtu), 65535)),
      m_link_mtu(m_device_mtu) {
    m_link.set_ipv6_input(this);
}

bool Ipv6Layer::offers_checksum_offload() const {
    return m_link.device().offers_checksum_offload();
}

bool Ipv6Layer::is_our_address(const Ipv6Address& address) const {
    for (auto& entry : m_addresses)
        if (entry.state == AddressState::preferred && entry.address == address)
            return true;
    return false;
}

bool Ipv6Layer::is_our_group(const Ipv6Address& group) const {
    if (group == Ipv6Address::all_nodes())
        return true;
    for (auto& entry : m_addresses)
        if (entry.state != AddressState::free && solicited_node_group(entry.address) == group)
            return true;
    return false;
}

bool Ipv6Layer::address_at(size_t index, Ipv6Address& address, uint8_t& prefix_length,
                           bool& tentative) const {
    for (auto& entry : m_addresses) {
        if (entry.state == AddressState::free)
            continue;
        if (index-- == 0) {
            address = entry.address;
            prefix_length = entry.prefix_length;
            tentative = entry.state == AddressState::tentative;
            return true;
        }
    }
    return false;
}

Ipv6Address Ipv6Layer::default_router() const {
    if (!m_router.is_any() && m_environment.now_ns() < m_router_until)
        return m_router;
    return m_static_router;
}

Ipv6Address Ipv6Layer::source_for(const Ipv6Address& destination) const {
    // Loopback answers from the address it was sent to (RFC 6724 5 rule 1: the same address).
    if (is_local(destination))
        return destination;
    bool link_scope = is_link_scope(destination);
    const InterfaceAddress* best = nullptr;
    size_t best_match = 0;
    for (auto& entry : m_addresses) {
        if (entry.state != AddressState::preferred || entry.address.is_link_local() != link_scope)
            continue;
        size_t match = 0;
        while (match < 128 && same_prefix(entry.address, destination, uint8_t(match + 1)))
            ++match;
        if (!best || match > best_match) {
            best = &entry;
            best_match = match;
        }
    }
    if (best)
        return best->address;
    // No global address: a link-local one still reaches the link and its router.
    for (auto& entry : m_addresses)
        if (entry.state == AddressState::preferred && entry.address.is_link_local())
            return entry.address;
    return Ipv6Address::any();
}

size_t Ipv6Layer::mtu_for(const Ipv6Address& destination) const {
    if (is_local(destination))
        return loopback_mtu;
    return m_path_mtu.lookup(destination, m_link_mtu, m_environment.now_ns());
}

void Ipv6Layer::record_packet_too_big(const Ipv6Address& destination, size_t mtu) {
    m_path_mtu.record(destination, min(mtu, m_link_mtu), m_environment.now_ns());
}

bool Ipv6Layer::is_local(const Ipv6Address& address) const {
    return address.is_loopback() || is_our_address(address);
}

bool Ipv6Layer::is_on_link(const Ipv6Address& destination) const {
    if (is_link_scope(destination))
        return true;
    uint64_t now = m_environment.now_ns();
    for (auto& entry : m_addresses)
        if (entry.state != AddressState::free && !entry.address.is_link_local() &&
            same_prefix(entry.address, destination, entry.prefix_length))
            return true;
    for (auto& prefix : m_prefixes)
        if (prefix.length != 0 && now < prefix.valid_until &&
            same_prefix(prefix.prefix, destination, prefix.length))
            return true;
    return false;
}

void Ipv6Layer::receive_ipv6(const uint8_t* packet, size_t length, bool checksum_verified) {
    Ipv6Header header;
    if (parse_ipv6_header(packet, length, header) != Ipv6HeaderCheck::valid) {
        ++m_statistics.dropped_malformed;
        return;
    }
    // ::1 never comes from the wire (RFC 4291 2.5.3); neither does our own address as source.
    if (header.source.is_loopback() || header.destination.is_loopback() ||
        is_our_address(header.source)) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    bool wanted = header.destination.is_multicast() ? is_our_group(header.destination)
                                                    : is_our_address(header.destination);
    if (!wanted) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    deliver(header, packet, ipv6_header_length + header.payload_length, checksum_verified);
}

void Ipv6Layer::deliver(const Ipv6Header& header, const uint8_t* packet, size_t length,
                        bool checksum_verified) {
    bool multicast = header.destination.is_multicast();
    Ipv6Walk walk = walk_extension_headers(packet, length, multicast);
    switch (walk.outcome) {
    case Ipv6Walk::Outcome::upper:
        break;
    case Ipv6Walk::Outcome::no_next_header:
        return;
    case Ipv6Walk::Outcome::fragment:
        ++m_statistics.ipv6_fragments_dropped;
        return;
    case Ipv6Walk::Outcome::malformed:
    case Ipv6Walk::Outcome::discard:
        ++m_statistics.dropped_malformed;
        return;
    case Ipv6Walk::Outcome::parameter_problem:
        ++m_statistics.ipv6_parameter_problems;
        if (m_icmp && (!multicast || walk.even_if_multicast))
            m_icmp->send_parameter_problem(header, packet, length, walk.code, walk.pointer);
        return;
    }
    Ipv6Datagram datagram{header,
                          packet,
                          length,
                          walk.protocol,
                          packet + walk.offset,
                          length - walk.offset,
                          checksum_verified,
                          multicast};
    if (walk.protocol == ipv6_next_header::icmpv6 && m_icmp) {
        m_icmp->receive(datagram);
        return;
    }
    if (m_transports && m_transports->receive_datagram6(datagram))
        return;
    // A next header we do not recognize (RFC 8200 4), which the sender hears about, pointed at
    // the field that names it.
    ++m_statistics.ipv6_parameter_problems;
    if (m_icmp && !multicast)
        m_icmp->send_parameter_problem(header, packet, length,
                                       ipv6_parameter_problem::unrecognized_next_header,
                                       static_cast<uint32_t>(walk.next_header_field));
}

ErrorOr<bool> Ipv6Layer::send_datagram(const Ipv6Address& source, const Ipv6Address& destination,
                                       uint8_t next_header, const TransmitFragment* fragments,
                                       size_t count, const TransportChecksum* checksum,
                                       uint8_t hop_limit, bool unspecified_source) {
    if (destination.is_any())
        return ENETUNREACH;
    size_t payload_length = 0;
    for (size_t i = 0; i < count; ++i)
        payload_length += fragments[i].length;
    if (ipv6_header_length + payload_length > mtu_for(destination))
        return EMSGSIZE;
    Ipv6Header header;
    header.payload_length = payload_length;
    header.next_header = next_header;
    header.hop_limit = hop_limit ? hop_limit : m_hop_limit;
    header.source = source;
    if (!unspecified_source && source.is_any()) {
        header.source = source_for(destination);
        if (header.source.is_any())
            return ENETUNREACH;
    }
    header.destination = destination;
    if (is_local(destination))
        return send_local(header, fragments, count, checksum);
    Ipv6Address next_hop = destination;
    if (!destination.is_multicast() && !is_on_link(destination)) {
        next_hop = default_router();
        if (next_hop.is_any())
            return ENETUNREACH;
    }
    // The packet is gathered once (it may wait for resolution), so the checksum is finished
    // here rather than by the device.
    PacketBuffer* packet = gather(header, fragments, count, checksum);
    if (!packet)
        return EAGAIN;
    return transmit(next_hop, destination.is_multicast(), packet);
}

// The header and payload in one buffer, the transport checksum finished; null (counted) without
// the memory.
PacketBuffer* Ipv6Layer::gather(const Ipv6Header& header, const TransmitFragment* fragments,
                                size_t count, const TransportChecksum* checksum) {
    PacketBuffer* packet = PacketBuffer::create(ipv6_header_length + header.payload_length);
    if (!packet) {
        ++m_statistics.dropped_no_memory;
        return nullptr;
    }
    write_ipv6_header(packet->data(), header);
    size_t at = ipv6_header_length;
    for (size_t i = 0; i < count; ++i) {
        memcpy(packet->data() + at, fragments[i].data, fragments[i].length);
        at += fragments[i].length;
    }
    uint8_t* transport = packet->data() + ipv6_header_length;
    if (checksum && checksum->offset + 2u <= header.payload_length)
        store_be16(transport + checksum->offset,
                   internet_checksum(transport, header.payload_length));
    return packet;
}

// Loops back: handed to the upper layers at the next poll (deliver_local), never to the link.
ErrorOr<bool> Ipv6Layer::send_local(const Ipv6Header& header, const TransmitFragment* fragments,
                                    size_t count, const TransportChecksum* checksum) {
    if (m_local.bytes() + ipv6_header_length + header.payload_length > max_local_bytes) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    PacketBuffer* packet = gather(header, fragments, count, checksum);
    if (!packet)
        return EAGAIN;
    m_local.append(packet);
    return true;
}

void Ipv6Layer::deliver_local() {
    for (size_t count = m_local.count(); count > 0; --count) {
        PacketBuffer* packet = m_local.take_first();
        Ipv6Header header;
        if (parse_ipv6_header(packet->data(), packet->length, header) == Ipv6HeaderCheck::valid)
            deliver(header, packet->data(), packet->length, true);
        PacketBuffer::destroy(packet);
    }
}

ErrorOr<bool> Ipv6Layer::transmit(const Ipv6Address& next_hop, bool multicast,
                                  PacketBuffer* packet) {
    uint64_t now = m_environment.now_ns();
    const MacAddress* known = m_neighbours.lookup(next_hop, now);
    MacAddress destination;
    if (multicast)
        destination = multicast_mac(next_hop);
    else if (known)
        destination = *known;
    if (multicast || known) {
        TransmitFragment whole{packet->data(), packet->length};
        auto sent = m_link.send_ipv6(destination, &whole, 1, nullptr);
        PacketBuffer::destroy(packet);
        if (sent.is_error())
            return sent.error();
        return true;
    }
    switch (m_neighbours.hold(next_hop, packet, now)) {
    case Ipv6NeighbourCache::HoldResult::send_request:
        send_neighbour_solicitation(next_hop, false);
        return false;
    case Ipv6NeighbourCache::HoldResult::waiting:
        return false;
    case Ipv6NeighbourCache::HoldResult::dropped:
        ++m_statistics.dropped_no_memory;
        return false;
    }
    return false;
}

ErrorOr<void> Ipv6Layer::send6(const Ipv6Address& source, const Ipv6Address& destination,
                               uint8_t next_header, const TransmitFragment* fragments, size_t count,
                               const TransportChecksum* checksum) {
    bool sent = TRY(send_datagram(source, destination, next_header, fragments, count, checksum));
    if (!sent)
        return EAGAIN;
    return {};
}

void Ipv6Layer::solicit_again(void* context, Ipv6Address address) {
    static_cast<Ipv6Layer*>(context)->send_neighbour_solicitation(address, false);
}

void Ipv6Layer::run_timers(uint64_t now) {
    uint64_t deadline = m_neighbours.next_deadline_ns();
    if (deadline != 0 && now >= deadline)
        m_statistics.ipv6_unresolved += m_neighbours.run_timers(now, solicit_again, this);
    run_address_timers(now);
}

uint64_t Ipv6Layer::next_deadline_ns() const {
    uint64_t deadline = m_neighbours.next_deadline_ns();
    auto consider = [&deadline](uint64_t at) {
        if (at != 0 && (deadline == 0 || at < deadline))
            deadline = at;
    };
    consider(m_next_router_solicitation);
    for (auto& entry : m_addresses) {
        if (entry.state == AddressState::tentative)
            consider(entry.dad_deadline);
        else if (entry.state == AddressState::preferred && entry.autoconfigured)
            consider(entry.valid_until);
    }
    return deadline;
}

} // namespace kernel::net
