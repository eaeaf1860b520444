#include "net/ipv6_header.h"

#include "lib/string.h"
#include "net/byte_order.h"

namespace kernel::net {

namespace {

constexpr uint8_t option_pad1 = 0;
constexpr uint8_t option_padn = 1;

Ipv6Walk stop(Ipv6Walk::Outcome outcome, uint8_t protocol, size_t offset) {
    Ipv6Walk walk;
    walk.outcome = outcome;
    walk.protocol = protocol;
    walk.offset = offset;
    return walk;
}

Ipv6Walk problem(uint8_t protocol, size_t offset, uint8_t code, size_t pointer,
                 bool even_if_multicast) {
    Ipv6Walk walk = stop(Ipv6Walk::Outcome::parameter_problem, protocol, offset);
    walk.code = code;
    walk.pointer = static_cast<uint32_t>(pointer);
    walk.even_if_multicast = even_if_multicast;
    return walk;
}

// The TLV options of a hop-by-hop or destination options header at `offset`, `length` bytes
// long (RFC 8200 4.2). Only padding is known: the top two bits of any other type say what to
// do. valid (outcome upper) means go on.
Ipv6Walk check_options(const uint8_t* packet, size_t offset, size_t length, uint8_t protocol,
                       bool multicast_destination) {
    size_t at = offset + 2;
    size_t end = offset + length;
    while (at < end) {
        uint8_t type = packet[at];
        if (type == option_pad1) {
            ++at;
            continue;
        }
        if (at + 2 > end || at + 2 + packet[at + 1] > end)
            return stop(Ipv6Walk::Outcome::malformed, protocol, offset);
        if (type != option_padn) {
            switch (type >> 6) {
            case 0: // skip over it
                break;
            case 1:
                return stop(Ipv6Walk::Outcome::discard, protocol, offset);
            case 2:
                return problem(protocol, offset, ipv6_parameter_problem::unrecognized_option, at,
                               true);
            default:
                if (multicast_destination)
                    return stop(Ipv6Walk::Outcome::discard, protocol, offset);
                return problem(protocol, offset, ipv6_parameter_problem::unrecognized_option, at,
                               false);
            }
        }
        at += 2 + packet[at + 1];
    }
    return stop(Ipv6Walk::Outcome::upper, protocol, offset);
}

} // namespace

Ipv6HeaderCheck parse_ipv6_header(const uint8_t* packet, size_t length, Ipv6Header& header) {
    if (length < ipv6_header_length)
        return Ipv6HeaderCheck::truncated;
    if ((packet[0] >> 4) != 6)
        return Ipv6HeaderCheck::bad_version;
    uint32_t first = load_be32(packet);
    header.traffic_class = static_cast<uint8_t>(first >> 20);
    header.flow_label = first & 0xfffff;
    header.payload_length = load_be16(packet + 4);
    if (header.payload_length == 0 && packet[6] == ipv6_next_header::hop_by_hop)
        return Ipv6HeaderCheck::bad_payload_length;
    if (ipv6_header_length + header.payload_length > length)
        return Ipv6HeaderCheck::truncated;
    header.next_header = packet[6];
    header.hop_limit = packet[7];
    memcpy(header.source.bytes, packet + 8, 16);
    memcpy(header.destination.bytes, packet + 24, 16);
    if (header.source.is_multicast())
        return Ipv6HeaderCheck::bad_source;
    return Ipv6HeaderCheck::valid;
}

void write_ipv6_header(uint8_t* data, const Ipv6Header& header) {
    store_be32(data, (uint32_t(6) << 28) | (uint32_t(header.traffic_class) << 20) |
                         (header.flow_label & 0xfffff));
    store_be16(data + 4, static_cast<uint16_t>(header.payload_length));
    data[6] = header.next_header;
    data[7] = header.hop_limit;
    memcpy(data + 8, header.source.bytes, 16);
    memcpy(data + 24, header.destination.bytes, 16);
}

void write_ipv6_fragment_header(uint8_t* data, uint8_t next_header, size_t offset, bool more,
                                uint32_t identification) {
    data[0] = next_header;
    data[1] = 0;
    store_be16(data + 2, static_cast<uint16_t>(offset | (more ? 1 : 0)));
    store_be32(data + 4, identification);
}

Ipv6Walk walk_extension_headers(const uint8_t* packet, size_t length, bool multicast_destination) {
    uint8_t protocol = packet[6];
    size_t next_header_field = 6;
    size_t offset = ipv6_header_length;
    for (;;) {
        switch (protocol) {
        case ipv6_next_header::no_next_header:
            return stop(Ipv6Walk::Outcome::no_next_header, protocol, offset);
        case ipv6_next_header::hop_by_hop:
            // Only right after the fixed header (RFC 8200 4.1); elsewhere it is answered as an
            // unrecognized next header, as Linux does.
            if (offset != ipv6_header_length)
                return problem(protocol, offset, ipv6_parameter_problem::unrecognized_next_header,
                               next_header_field, false);
            [[fallthrough]];
        case ipv6_next_header::destination_options:
        case ipv6_next_header::routing:
        case ipv6_next_header::fragment:
            break;
        default: {
            Ipv6Walk upper = stop(Ipv6Walk::Outcome::upper, protocol, offset);
            upper.next_header_field = next_header_field;
            return upper;
        }
        }
        if (offset + 8 > length)
            return stop(Ipv6Walk::Outcome::malformed, protocol, offset);
        // The fragment header is always 8 bytes; the others say how many 8-byte units follow
        // their first 8.
        size_t header_length =
            protocol == ipv6_next_header::fragment ? 8 : (size_t(packet[offset + 1]) + 1) * 8;
        if (offset + header_length > length)
            return stop(Ipv6Walk::Outcome::malformed, protocol, offset);
        if (protocol == ipv6_next_header::fragment)
            return stop(Ipv6Walk::Outcome::fragment, protocol, offset);
        if (protocol == ipv6_next_header::routing) {
            // Segments left 0: the header is done with, whatever its type (RFC 8200 4.4). A host
            // routes nothing further, so any type with segments left is one it cannot process.
            if (packet[offset + 3] != 0)
                return problem(protocol, offset, ipv6_parameter_problem::erroneous_field,
                               offset + 2, false);
        } else {
            Ipv6Walk options =
                check_options(packet, offset, header_length, protocol, multicast_destination);
            if (options.outcome != Ipv6Walk::Outcome::upper)
                return options;
        }
        next_header_field = offset;
        protocol = packet[offset];
        offset += header_length;
    }
}

namespace {

// Skips hop-by-hop, routing and destination options headers from header `protocol` at `offset`,
// and the fragment header of a first fragment (what follows a later one is no header).
bool skip_from(const uint8_t* packet, size_t length, uint8_t& protocol, size_t& offset) {
    while (protocol == ipv6_next_header::hop_by_hop || protocol == ipv6_next_header::routing ||
           protocol == ipv6_next_header::destination_options ||
           protocol == ipv6_next_header::fragment) {
        if (offset + 8 > length)
            return false;
        if (protocol == ipv6_next_header::fragment && (load_be16(packet + offset + 2) & 0xfff8))
            return true;
        size_t header_length = protocol == ipv6_next_header::fragment
                                   ? ipv6_fragment_header_length
                                   : (size_t(packet[offset + 1]) + 1) * 8;
        if (offset + header_length > length)
            return false;
        protocol = packet[offset];
        offset += header_length;
    }
    return true;
}

} // namespace

bool skip_extension_headers(const uint8_t* packet, size_t length, uint8_t& protocol,
                            size_t& offset) {
    protocol = packet[6];
    offset = ipv6_header_length;
    return skip_from(packet, length, protocol, offset);
}

bool holds_header_chain(uint8_t protocol, const uint8_t* data, size_t length) {
    size_t offset = 0;
    if (!skip_from(data, length, protocol, offset))
        return false;
    size_t upper = 1;
    switch (protocol) {
    case ipv6_next_header::tcp:
        upper = 20;
        break;
    case ipv6_next_header::udp:
    case ipv6_next_header::icmpv6:
    case ipv6_next_header::fragment:
        upper = 8;
        break;
    case ipv6_next_header::no_next_header:
        upper = 0;
        break;
    }
    return offset + upper <= length;
}

} // namespace kernel::net
