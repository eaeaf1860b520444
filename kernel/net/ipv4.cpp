#include "net/ipv4.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "net/byte_order.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/packet_buffer.h"

namespace kernel::net {

namespace {

constexpr uint16_t flag_reserved = 0x8000;
constexpr uint16_t flag_dont_fragment = 0x4000;
constexpr uint16_t flag_more_fragments = 0x2000;
constexpr uint16_t fragment_offset_mask = 0x1fff;
constexpr uint8_t default_time_to_live = 64;
// The smallest MTU every IPv4 link must carry (RFC 791).
constexpr size_t minimum_mtu = 68;

// How many segments the device cuts a TCP segment into: its payload, after the header whose
// length the data offset (in the header's first fragment) gives, in pieces of `segment_size`.
size_t tcp_segment_count(const TransmitFragment* fragments, size_t count, size_t length,
                         uint16_t segment_size) {
    constexpr size_t data_offset_at = 12;
    size_t header_length = 0;
    if (count > 0 && fragments[0].length > data_offset_at)
        header_length =
            size_t(static_cast<const uint8_t*>(fragments[0].data)[data_offset_at] >> 4) * 4;
    size_t payload = length > header_length ? length - header_length : 0;
    return max<size_t>((payload + segment_size - 1) / segment_size, 1);
}

bool in_subnet(const InterfaceConfig& config, Ipv4Address address) {
    uint32_t mask = config.netmask();
    return (address.value & mask) == (config.address.value & mask);
}

} // namespace

uint32_t pseudo_header_sum(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                           uint16_t length) {
    return (source.value >> 16) + (source.value & 0xffff) + (destination.value >> 16) +
           (destination.value & 0xffff) + protocol + length;
}

Ipv4HeaderCheck parse_ipv4_header(const uint8_t* packet, size_t length, Ipv4Header& header) {
    if (length < ipv4_header_length)
        return Ipv4HeaderCheck::truncated;
    if ((packet[0] >> 4) != 4)
        return Ipv4HeaderCheck::bad_version;
    header.header_length = size_t(packet[0] & 0xf) * 4;
    if (header.header_length < ipv4_header_length)
        return Ipv4HeaderCheck::bad_header_length;
    if (header.header_length > length)
        return Ipv4HeaderCheck::truncated;
    header.total_length = load_be16(packet + 2);
    if (header.total_length < header.header_length)
        return Ipv4HeaderCheck::bad_total_length;
    if (header.total_length > length)
        return Ipv4HeaderCheck::truncated;
    if (internet_checksum(packet, header.header_length) != 0)
        return Ipv4HeaderCheck::bad_checksum;
    header.identification = load_be16(packet + 4);
    uint16_t flags = load_be16(packet + 6);
    header.dont_fragment = flags & flag_dont_fragment;
    header.more_fragments = flags & flag_more_fragments;
    header.fragment_offset = size_t(flags & fragment_offset_mask) * 8;
    size_t payload_length = header.total_length - header.header_length;
    if ((flags & flag_reserved) || header.fragment_offset + payload_length > ipv4_max_datagram ||
        (header.more_fragments && (payload_length == 0 || payload_length % 8 != 0)))
        return Ipv4HeaderCheck::bad_fragment;
    header.time_to_live = packet[8];
    header.protocol = packet[9];
    header.source = {load_be32(packet + 12)};
    header.destination = {load_be32(packet + 16)};
    if (header.source == Ipv4Address::limited_broadcast() || header.source.is_multicast())
        return Ipv4HeaderCheck::bad_source;
    return Ipv4HeaderCheck::valid;
}

void write_ipv4_header(uint8_t* data, const Ipv4Header& header) {
    data[0] = 0x45;
    data[1] = 0;
    store_be16(data + 2, static_cast<uint16_t>(header.total_length));
    store_be16(data + 4, header.identification);
    uint16_t flags = static_cast<uint16_t>(header.fragment_offset / 8);
    if (header.dont_fragment)
        flags |= flag_dont_fragment;
    if (header.more_fragments)
        flags |= flag_more_fragments;
    store_be16(data + 6, flags);
    data[8] = header.time_to_live;
    data[9] = header.protocol;
    store_be16(data + 10, 0);
    store_be32(data + 12, header.source.value);
    store_be32(data + 16, header.destination.value);
    store_be16(data + 10, internet_checksum(data, ipv4_header_length));
}

Ipv4Layer::Ipv4Layer(EthernetLink& link, const Environment& environment,
                     StackStatistics& statistics)
    : m_link(link), m_environment(environment), m_statistics(statistics),
      m_mtu(min<size_t>(max<size_t>(link.device().mtu(), minimum_mtu), ipv4_max_datagram)),
      m_reassembler(statistics, Reassembler::ipv4_timeout_ns) {
    m_environment.fill_random(&m_next_identification, sizeof m_next_identification);
    m_link.set_ipv4_input(this);
}

void Ipv4Layer::set_config(const InterfaceConfig& config) {
    m_config = config;
    if (m_config.prefix_length > 32)
        m_config.prefix_length = 32;
    m_link.set_address(m_config.address);
}

bool Ipv4Layer::offers_checksum_offload() const {
    return m_link.device().offers_checksum_offload();
}

size_t Ipv4Layer::tcp_segmentation_limit() const {
    if (!offers_checksum_offload())
        return m_mtu;
    return min(max(m_link.device().tcp_segmentation_limit(IpVersion::v4), m_mtu),
               ipv4_max_datagram);
}

bool Ipv4Layer::is_broadcast(Ipv4Address address) const {
    if (address == Ipv4Address::limited_broadcast())
        return true;
    // /31 and /32 have no broadcast address (RFC 3021).
    if (m_config.address.is_any() || m_config.prefix_length >= 31)
        return false;
    return in_subnet(m_config, address) && (address.value | m_config.netmask()) == 0xffffffff;
}

Ipv4Address Ipv4Layer::source_for(Ipv4Address destination) const {
    return destination.is_loopback() ? destination : m_config.address;
}

PathMtu Ipv4Layer::path_to(Ipv4Address destination) const {
    return m_path_mtu.lookup(destination, m_mtu, m_environment.now_ns());
}

void Ipv4Layer::learn_path_mtu(Ipv4Address destination, size_t mtu) {
    m_path_mtu.record(destination, min(mtu, m_mtu), m_environment.now_ns());
}

bool Ipv4Layer::is_local(Ipv4Address address) const {
    return address.is_loopback() || (!m_config.address.is_any() && address == m_config.address);
}

bool Ipv4Layer::accepts(const Ipv4Header& header, bool& link_broadcast) const {
    link_broadcast = is_broadcast(header.destination);
    if (link_broadcast)
        return true;
    if (!m_config.address.is_any())
        return header.destination == m_config.address;
    // Before DHCP has bound, its server may answer to the address it offers.
    return header.protocol == ip_protocol::udp && !header.destination.is_multicast();
}

void Ipv4Layer::receive_ipv4(const uint8_t* packet, size_t length, bool checksum_verified) {
    input(packet, length, checksum_verified, false);
}

void Ipv4Layer::deliver_local() {
    for (size_t count = m_local.count(); count > 0; --count) {
        PacketBuffer* packet = m_local.take_first();
        input(packet->data(), packet->length, true, true);
        PacketBuffer::destroy(packet);
    }
}

void Ipv4Layer::input(const uint8_t* packet, size_t length, bool checksum_verified, bool local) {
    Ipv4Header header;
    switch (parse_ipv4_header(packet, length, header)) {
    case Ipv4HeaderCheck::valid:
        break;
    case Ipv4HeaderCheck::bad_checksum:
        ++m_statistics.dropped_bad_checksum;
        return;
    default:
        ++m_statistics.dropped_malformed;
        return;
    }
    bool link_broadcast = false;
    // 127/8 never comes from the wire (RFC 1122 3.2.1.3).
    bool wanted = local || (!header.destination.is_loopback() && accepts(header, link_broadcast));
    if (!wanted) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    if (!m_transport)
        return;
    const uint8_t* payload = packet + header.header_length;
    size_t payload_length = header.total_length - header.header_length;
    if (!header.more_fragments && header.fragment_offset == 0) {
        m_transport->receive_datagram(
            {header, packet, payload, payload_length, checksum_verified, link_broadcast, local});
        return;
    }
    FragmentKey key{header.source, header.destination, header.protocol, header.identification};
    PacketBuffer* whole =
        m_reassembler
            .add(key, {header.fragment_offset, header.more_fragments, payload, payload_length},
                 m_environment.now_ns())
            .packet;
    if (!whole)
        return;
    header.more_fragments = false;
    header.fragment_offset = 0;
    header.total_length = header.header_length + whole->length;
    // A device only vouches for checksums of unfragmented packets.
    m_transport->receive_datagram(
        {header, packet, whole->data(), whole->length, false, link_broadcast, local});
    PacketBuffer::destroy(whole);
}

ErrorOr<bool> Ipv4Layer::send_datagram(Ipv4Address source, Ipv4Address destination,
                                       uint8_t protocol, const TransmitFragment* fragments,
                                       size_t count, const TransportChecksum* checksum,
                                       bool dont_fragment, const PathMtu* path) {
    if (destination.is_any() || destination.is_multicast())
        return ENETUNREACH;
    size_t payload_length = 0;
    for (size_t i = 0; i < count; ++i)
        payload_length += fragments[i].length;
    if (payload_length > ipv4_max_datagram - ipv4_header_length)
        return EMSGSIZE;
    bool broadcast = is_broadcast(destination);
    Ipv4Address next_hop = destination;
    if (!broadcast && !is_local(destination)) {
        if (m_config.address.is_any())
            return ENETUNREACH;
        if (!in_subnet(m_config, destination)) {
            if (m_config.gateway.is_any())
                return ENETUNREACH;
            next_hop = m_config.gateway;
        }
    }
    Ipv4Header header;
    header.total_length = ipv4_header_length + payload_length;
    header.dont_fragment = dont_fragment;
    header.time_to_live = default_time_to_live;
    header.protocol = protocol;
    header.source = source.is_any() ? source_for(destination) : source;
    header.destination = destination;
    // Loopback carries the datagram whole, however long.
    if (is_local(destination)) {
        header.identification = m_next_identification++;
        return send_local(header, fragments, count, checksum);
    }
    // A segment to cut is cut by the device even when it fits the link: its pieces are sized
    // for the path, which may carry less (path-MTU discovery).
    bool segmenting = checksum && checksum->segment_size;
    if (segmenting && (protocol != ip_protocol::tcp || tcp_segmentation_limit() <= m_mtu ||
                       header.total_length > tcp_segmentation_limit()))
        return EMSGSIZE;
    // The device gives each segment the next identification, so they are all taken here, as
    // Linux does for a segment it hands to TSO.
    header.identification = m_next_identification;
    m_next_identification += static_cast<uint16_t>(
        segmenting ? tcp_segment_count(fragments, count, payload_length, checksum->segment_size)
                   : 1);
    size_t path_mtu = broadcast ? m_mtu : path ? path->mtu : mtu_for(destination);
    if (header.total_length > path_mtu && !segmenting) {
        if (dont_fragment)
            return EMSGSIZE;
        return send_fragmented(header, next_hop, broadcast, fragments, count, checksum, path_mtu);
    }
    if (count + 1 > EthernetLink::max_fragments) {
        PacketBuffer* payload = PacketBuffer::create(fragments, count);
        if (!payload) {
            ++m_statistics.dropped_no_memory;
            return EAGAIN;
        }
        TransmitFragment whole{payload->data(), payload->length};
        auto sent = send_prepared(header, next_hop, broadcast, &whole, 1, checksum, segmenting);
        PacketBuffer::destroy(payload);
        return sent;
    }
    return send_prepared(header, next_hop, broadcast, fragments, count, checksum, segmenting);
}

ErrorOr<bool> Ipv4Layer::send_prepared(const Ipv4Header& header, Ipv4Address next_hop,
                                       bool broadcast, const TransmitFragment* fragments,
                                       size_t count, const TransportChecksum* checksum,
                                       bool segmenting) {
    uint8_t raw_header[ipv4_header_length];
    write_ipv4_header(raw_header, header);
    TransmitFragment packet[EthernetLink::max_fragments];
    packet[0] = {raw_header, sizeof raw_header};
    for (size_t i = 0; i < count; ++i)
        packet[i + 1] = fragments[i];
    ChecksumRequest request;
    if (checksum)
        request = {static_cast<uint16_t>(ipv4_header_length), checksum->offset,
                   segmenting ? checksum->segment_size : uint16_t(0)};
    auto outcome = TRY(
        m_link.send_ipv4(next_hop, broadcast, packet, count + 1, checksum ? &request : nullptr));
    return outcome == LinkOutcome::sent;
}

// Loops back without fragmenting (no link in between), so the datagram is delivered whole.
ErrorOr<bool> Ipv4Layer::send_local(const Ipv4Header& header, const TransmitFragment* fragments,
                                    size_t count, const TransportChecksum* checksum) {
    if (m_local.bytes() + header.total_length > max_local_bytes) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    PacketBuffer* packet = PacketBuffer::create(header.total_length);
    if (!packet) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    write_ipv4_header(packet->data(), header);
    size_t at = ipv4_header_length;
    for (size_t i = 0; i < count; ++i) {
        memcpy(packet->data() + at, fragments[i].data, fragments[i].length);
        at += fragments[i].length;
    }
    uint8_t* transport = packet->data() + ipv4_header_length;
    size_t transport_length = header.total_length - ipv4_header_length;
    if (checksum && checksum->offset + 2u <= transport_length)
        store_be16(transport + checksum->offset, internet_checksum(transport, transport_length));
    m_local.append(packet);
    ++m_statistics.loopback_packets;
    m_statistics.loopback_bytes += header.total_length;
    return true;
}

ErrorOr<bool> Ipv4Layer::send_fragmented(const Ipv4Header& header, Ipv4Address next_hop,
                                         bool broadcast, const TransmitFragment* fragments,
                                         size_t count, const TransportChecksum* checksum,
                                         size_t mtu) {
    // Fragmenting is rare enough to gather the payload once.
    PacketBuffer* payload = PacketBuffer::create_checksummed(fragments, count, checksum);
    if (!payload) {
        ++m_statistics.dropped_no_memory;
        return EAGAIN;
    }
    size_t chunk = (mtu - ipv4_header_length) & ~size_t(7);
    bool all_sent = true;
    bool failed = false;
    for (size_t offset = 0; offset < payload->length; offset += chunk) {
        size_t length = min(chunk, payload->length - offset);
        Ipv4Header piece = header;
        piece.fragment_offset = offset;
        piece.more_fragments = offset + length < payload->length;
        piece.total_length = ipv4_header_length + length;
        uint8_t raw_header[ipv4_header_length];
        write_ipv4_header(raw_header, piece);
        TransmitFragment packet[2] = {{raw_header, sizeof raw_header},
                                      {payload->data() + offset, length}};
        auto outcome = m_link.send_ipv4(next_hop, broadcast, packet, 2, nullptr);
        if (outcome.is_error()) {
            failed = true;
            break;
        }
        if (outcome.value() != LinkOutcome::sent)
            all_sent = false;
    }
    PacketBuffer::destroy(payload);
    if (failed)
        return EAGAIN;
    return all_sent;
}

ErrorOr<void> Ipv4Layer::send(Ipv4Address source, Ipv4Address destination, uint8_t protocol,
                              const TransmitFragment* fragments, size_t count,
                              const TransportChecksum* checksum, bool dont_fragment) {
    bool sent = TRY(
        send_datagram(source, destination, protocol, fragments, count, checksum, dont_fragment));
    if (!sent)
        return EAGAIN;
    return {};
}

// RFC 1122 3.3.2: a datagram given up after its first fragment arrived earns its sender an ICMP
// time exceeded (code 1), quoting that fragment's header, rebuilt from what reassembly keeps.
void Ipv4Layer::reassembly_expired(void* context, const FragmentKey& key, uint8_t,
                                   const uint8_t* first, size_t length) {
    auto& layer = *static_cast<Ipv4Layer*>(context);
    if (!layer.m_icmp)
        return;
    Ipv4Header header;
    header.total_length = ipv4_header_length + length;
    header.identification = static_cast<uint16_t>(key.identification);
    header.more_fragments = true;
    header.protocol = key.protocol;
    header.source = key.source.v4();
    header.destination = key.destination.v4();
    layer.m_icmp->send_reassembly_time_exceeded(header, first, length);
}

} // namespace kernel::net
