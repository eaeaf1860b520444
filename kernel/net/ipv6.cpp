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
      m_link_mtu(m_device_mtu),
      m_reassembler(statistics, Reassembler::ipv6_timeout_ns, ipv6_header_length) {
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
    return m_path_mtu.lookup(destination, m_link_mtu, m_environment.now_ns()).mtu;
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
                        bool checksum_verified, bool reassembled) {
    bool multicast = header.destination.is_multicast();
    Ipv6Walk walk = walk_extension_headers(packet, length, multicast);
    switch (walk.outcome) {
    case Ipv6Walk::Outcome::upper:
        break;
    case Ipv6Walk::Outcome::no_next_header:
        return;
    case Ipv6Walk::Outcome::fragment:
        // A fragment inside a reassembled packet: no honest sender nests them.
        if (reassembled)
            ++m_statistics.fragments_dropped;
        else
            receive_fragment(header, packet, length, walk.offset, multicast);
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

// RFC 8200 4.5: a fragment is checked, then held until its datagram is whole (keyed by
// source, destination and identification), which goes up as one packet: the fixed header, the
// first fragment's next header, and the fragmentable part. The unfragmentable extension
// headers were processed with each fragment and are left out.
void Ipv6Layer::receive_fragment(const Ipv6Header& header, const uint8_t* packet, size_t length,
                                 size_t at, bool multicast) {
    const uint8_t* fragment_header = packet + at;
    uint16_t offset_and_flags = load_be16(fragment_header + 2);
    Fragment fragment;
    fragment.next_header = fragment_header[0];
    fragment.offset = offset_and_flags & 0xfff8;
    fragment.more_fragments = offset_and_flags & 1;
    fragment.data = fragment_header + ipv6_fragment_header_length;
    fragment.length = length - at - ipv6_fragment_header_length;
    auto refuse = [&](uint8_t code, uint32_t pointer) {
        ++m_statistics.fragments_dropped;
        ++m_statistics.ipv6_parameter_problems;
        if (m_icmp && !multicast)
            m_icmp->send_parameter_problem(header, packet, length, code, pointer);
    };
    // Every fragment but the last holds a multiple of 8 bytes: the sender is pointed at the
    // payload length. One reaching past the largest payload is pointed at its offset.
    if (fragment.more_fragments && (fragment.length == 0 || fragment.length % 8 != 0))
        return refuse(ipv6_parameter_problem::erroneous_field, 4);
    if (fragment.offset + fragment.length > ipv6_max_payload)
        return refuse(ipv6_parameter_problem::erroneous_field, static_cast<uint32_t>(at + 2));
    if (fragment.offset == 0 &&
        !holds_header_chain(fragment.next_header, fragment.data, fragment.length))
        return refuse(ipv6_parameter_problem::incomplete_header_chain, 0);

    Reassembled whole;
    if (fragment.offset == 0 && !fragment.more_fragments) {
        // An atomic fragment stands alone, whatever else shares its identification (RFC 6946).
        whole.packet = PacketBuffer::create(ipv6_header_length + fragment.length);
        if (!whole.packet) {
            ++m_statistics.dropped_no_memory;
            return;
        }
        memcpy(whole.packet->data() + ipv6_header_length, fragment.data, fragment.length);
        whole.next_header = fragment.next_header;
    } else {
        FragmentKey key{header.source, header.destination, 0, load_be32(fragment_header + 4)};
        whole = m_reassembler.add(key, fragment, m_environment.now_ns());
        if (!whole.packet)
            return;
    }
    Ipv6Header rebuilt = header;
    rebuilt.next_header = whole.next_header;
    rebuilt.payload_length = whole.packet->length - ipv6_header_length;
    write_ipv6_header(whole.packet->data(), rebuilt);
    // A device only vouches for checksums of unfragmented packets.
    deliver(rebuilt, whole.packet->data(), whole.packet->length, false, true);
    PacketBuffer::destroy(whole.packet);
}

ErrorOr<bool> Ipv6Layer::send_datagram(const Ipv6Address& source, const Ipv6Address& destination,
                                       uint8_t next_header, const TransmitFragment* fragments,
                                       size_t count, const TransportChecksum* checksum,
                                       uint8_t hop_limit, bool unspecified_source,
                                       size_t largest_fragment) {
    if (destination.is_any())
        return ENETUNREACH;
    size_t payload_length = 0;
    for (size_t i = 0; i < count; ++i)
        payload_length += fragments[i].length;
    if (payload_length > ipv6_max_payload)
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
    // A segment the device cuts goes whole; anything else longer than the path, in fragments.
    size_t mtu = mtu_for(destination);
    if (largest_fragment)
        mtu = min(mtu, max(largest_fragment, ipv6_minimum_mtu));
    bool segmenting = checksum && checksum->segment_size;
    if (!segmenting && ipv6_header_length + payload_length > mtu)
        return send_fragmented(header, next_hop, destination.is_multicast(), fragments, count,
                               checksum, mtu);
    return transmit(header, next_hop, destination.is_multicast(), fragments, count, checksum);
}

// RFC 8200 4.5: the payload cut into pieces of a multiple of 8 bytes that fit `mtu` behind the
// fixed header and a fragment header, all with one identification. The identification is
// random, so that no one off the path can predict it (RFC 7739).
ErrorOr<bool> Ipv6Layer::send_fragmented(const Ipv6Header& header, const Ipv6Address& next_hop,
                                         bool multicast, const TransmitFragment* fragments,
                                         size_t count, const TransportChecksum* checksum,
                                         size_t mtu) {
    PacketBuffer* payload = PacketBuffer::create_checksummed(fragments, count, checksum);
    if (!payload) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    uint32_t identification;
    m_environment.fill_random(&identification, sizeof identification);
    size_t chunk = (mtu - ipv6_header_length - ipv6_fragment_header_length) & ~size_t(7);
    bool all_sent = true;
    bool failed = false;
    for (size_t offset = 0; offset < payload->length && !failed; offset += chunk) {
        size_t length = min(chunk, payload->length - offset);
        bool more = offset + length < payload->length;
        Ipv6Header piece_header = header;
        piece_header.next_header = ipv6_next_header::fragment;
        piece_header.payload_length = ipv6_fragment_header_length + length;
        uint8_t fragment_header[ipv6_fragment_header_length];
        write_ipv6_fragment_header(fragment_header, header.next_header, offset, more,
                                   identification);
        TransmitFragment piece[2] = {{fragment_header, sizeof fragment_header},
                                     {payload->data() + offset, length}};
        auto sent = transmit(piece_header, next_hop, multicast, piece, 2, nullptr);
        if (sent.is_error())
            failed = true;
        else if (!sent.value())
            all_sent = false;
    }
    PacketBuffer::destroy(payload);
    if (failed)
        return EAGAIN;
    return all_sent;
}

// The header and payload in one buffer; null (counted) without the memory.
PacketBuffer* Ipv6Layer::gather(const Ipv6Header& header, const TransmitFragment* fragments,
                                size_t count) {
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
    return packet;
}

// Loops back: handed to the upper layers at the next poll (deliver_local), never to the link,
// so no device finishes the checksum.
ErrorOr<bool> Ipv6Layer::send_local(const Ipv6Header& header, const TransmitFragment* fragments,
                                    size_t count, const TransportChecksum* checksum) {
    if (m_local.bytes() + ipv6_header_length + header.payload_length > max_local_bytes) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    PacketBuffer* packet = gather(header, fragments, count);
    if (!packet)
        return EAGAIN;
    uint8_t* transport = packet->data() + ipv6_header_length;
    if (checksum && checksum->offset + 2u <= header.payload_length)
        store_be16(transport + checksum->offset,
                   internet_checksum(transport, header.payload_length));
    m_local.append(packet);
    ++m_statistics.loopback_packets;
    m_statistics.loopback_bytes += ipv6_header_length + header.payload_length;
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

ErrorOr<bool> Ipv6Layer::transmit(const Ipv6Header& header, const Ipv6Address& next_hop,
                                  bool multicast, const TransmitFragment* fragments, size_t count,
                                  const TransportChecksum* checksum) {
    ChecksumRequest request{0, 0};
    if (checksum)
        request = {static_cast<uint16_t>(ipv6_header_length), checksum->offset,
                   checksum->segment_size, IpVersion::v6};
    uint64_t now = m_environment.now_ns();
    const MacAddress* known = multicast ? nullptr : m_neighbours.lookup(next_hop);
    if (multicast || known) {
        MacAddress destination = multicast ? multicast_mac(next_hop) : *known;
        // Straight from the transport's buffers, behind the header; a longer list than the
        // link takes is gathered into one copy first.
        PacketBuffer* payload = nullptr;
        TransmitFragment whole;
        if (count + 1 > EthernetLink::max_fragments) {
            payload = PacketBuffer::create(fragments, count);
            if (!payload) {
                ++m_statistics.dropped_no_memory;
                return EAGAIN;
            }
            whole = {payload->data(), payload->length};
            fragments = &whole;
            count = 1;
        }
        uint8_t raw_header[ipv6_header_length];
        write_ipv6_header(raw_header, header);
        TransmitFragment packet[EthernetLink::max_fragments];
        packet[0] = {raw_header, sizeof raw_header};
        for (size_t i = 0; i < count; ++i)
            packet[i + 1] = fragments[i];
        auto sent = m_link.send_ipv6(destination, packet, count + 1, checksum ? &request : nullptr);
        if (payload)
            PacketBuffer::destroy(payload);
        if (sent.is_error())
            return sent.error();
        return true;
    }
    // A copy waits for neighbour discovery, the offload it is owed with it.
    PacketBuffer* packet = gather(header, fragments, count);
    if (!packet)
        return EAGAIN;
    packet->keep_offload(checksum ? &request : nullptr);
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

size_t Ipv6Layer::tcp_segmentation_limit() const {
    // Only above the link's MTU does the device cut anything.
    return min(max(m_link.device().tcp_segmentation_limit(IpVersion::v6), m_link_mtu),
               ipv6_header_length + ipv6_max_payload);
}

ErrorOr<void> Ipv6Layer::send6(const Ipv6Address& source, const Ipv6Address& destination,
                               uint8_t next_header, const TransmitFragment* fragments, size_t count,
                               const TransportChecksum* checksum) {
    // TCP sizes its segments to the path and is never fragmented: a segment longer than the
    // path has learnt meanwhile is refused, as Linux's ip6_fragment refuses it. A segment for
    // the device to cut may reach tcp_segmentation_limit(), when the device cuts at all.
    size_t payload_length = 0;
    for (size_t i = 0; i < count; ++i)
        payload_length += fragments[i].length;
    bool segmenting = checksum && checksum->segment_size;
    size_t limit = mtu_for(destination);
    if (segmenting && !is_local(destination)) {
        if (next_header != ipv6_next_header::tcp || tcp_segmentation_limit() <= m_link_mtu)
            return EMSGSIZE;
        limit = tcp_segmentation_limit();
    }
    if (ipv6_header_length + payload_length > limit)
        return EMSGSIZE;
    bool sent = TRY(send_datagram(source, destination, next_header, fragments, count, checksum));
    if (!sent)
        return EAGAIN;
    return {};
}

// RFC 8200 4.5: the sender of a datagram given up after its first fragment arrived hears of it
// (time exceeded, code 1), the first fragment quoted as it came less any extension headers
// before its fragment header, which reassembly does not keep. Not to a multicast destination's
// sender (RFC 4443 2.4 e.3).
void Ipv6Layer::reassembly_expired(void* context, const FragmentKey& key, uint8_t next_header,
                                   const uint8_t* first, size_t length) {
    auto& layer = *static_cast<Ipv6Layer*>(context);
    if (!layer.m_icmp || key.destination.v6.is_multicast())
        return;
    uint8_t quote[ipv6_minimum_mtu];
    size_t quoted = min(length, sizeof quote - ipv6_header_length - ipv6_fragment_header_length);
    Ipv6Header header;
    header.payload_length = ipv6_fragment_header_length + length;
    header.next_header = ipv6_next_header::fragment;
    header.source = key.source.v6;
    header.destination = key.destination.v6;
    write_ipv6_header(quote, header);
    uint8_t* fragment_header = quote + ipv6_header_length;
    write_ipv6_fragment_header(fragment_header, next_header, 0, true, key.identification);
    memcpy(fragment_header + ipv6_fragment_header_length, first, quoted);
    layer.m_icmp->send_error(icmpv6_type::time_exceeded, icmpv6_time_exceeded::reassembly, 0,
                             header, quote,
                             ipv6_header_length + ipv6_fragment_header_length + quoted);
}

void Ipv6Layer::solicit_again(void* context, Ipv6Address address) {
    static_cast<Ipv6Layer*>(context)->send_neighbour_solicitation(address, false);
}

void Ipv6Layer::run_timers(uint64_t now) {
    uint64_t deadline = m_neighbours.next_deadline_ns();
    if (deadline != 0 && now >= deadline)
        m_statistics.ipv6_unresolved += m_neighbours.run_timers(now, solicit_again, this);
    run_address_timers(now);
    m_reassembler.run_timers(now, reassembly_expired, this);
}

uint64_t Ipv6Layer::next_deadline_ns() const {
    uint64_t deadline = m_neighbours.next_deadline_ns();
    auto consider = [&deadline](uint64_t at) {
        if (at != 0 && (deadline == 0 || at < deadline))
            deadline = at;
    };
    consider(m_next_router_solicitation);
    consider(m_reassembler.next_deadline_ns());
    for (auto& entry : m_addresses) {
        if (entry.state == AddressState::tentative)
            consider(entry.dad_deadline);
        else if (entry.state == AddressState::preferred && entry.autoconfigured)
            consider(entry.valid_until);
    }
    return deadline;
}

} // namespace kernel::net
