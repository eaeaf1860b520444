#include "net/icmpv6.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "net/byte_order.h"
#include "net/checksum.h"

namespace kernel::net {

namespace {

bool is_error(uint8_t type) {
    return type < 128;
}

uint16_t checksum_of(const Ipv6Address& source, const Ipv6Address& destination,
                     const TransmitFragment* fragments, size_t count) {
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += fragments[i].length;
    ChecksumAccumulator sum(ipv6_pseudo_header_sum(source, destination, ipv6_next_header::icmpv6,
                                                   static_cast<uint32_t>(length)));
    sum.add(fragments, count);
    return sum.checksum();
}

} // namespace

Icmpv6Layer::Icmpv6Layer(Ipv6Layer& ip, const Environment& environment, StackStatistics& statistics)
    : m_ip(ip), m_environment(environment), m_statistics(statistics),
      m_error_limit(environment.now_ns()) {
    m_ip.set_icmp(this);
}

void Icmpv6Layer::receive(const Ipv6Datagram& datagram) {
    if (datagram.payload_length < 4) {
        ++m_statistics.dropped_malformed;
        return;
    }
    uint32_t pseudo = ipv6_pseudo_header_sum(datagram.header.source, datagram.header.destination,
                                             ipv6_next_header::icmpv6,
                                             static_cast<uint32_t>(datagram.payload_length));
    if (internet_checksum(datagram.payload, datagram.payload_length, pseudo) != 0) {
        ++m_statistics.dropped_bad_checksum;
        return;
    }
    switch (datagram.payload[0]) {
    case icmpv6_type::echo_request:
        reply_to_echo(datagram);
        return;
    case icmpv6_type::packet_too_big:
        receive_packet_too_big(datagram);
        return;
    case icmpv6_type::destination_unreachable:
        receive_destination_unreachable(datagram);
        return;
    case icmpv6_type::router_solicitation:
    case icmpv6_type::router_advertisement:
    case icmpv6_type::neighbour_solicitation:
    case icmpv6_type::neighbour_advertisement:
    case icmpv6_type::redirect:
        m_ip.receive_neighbour_discovery(datagram);
        return;
    default:
        // Time exceeded and parameter problems concern no transport here (Linux reports them
        // only with IPV6_RECVERR); unknown informational messages are dropped (RFC 4443 2.4 b).
        ++m_statistics.dropped_not_for_us;
        return;
    }
}

void Icmpv6Layer::reply_to_echo(const Ipv6Datagram& request) {
    if (request.payload_length < icmpv6_header_length) {
        ++m_statistics.dropped_malformed;
        return;
    }
    // To a group, the reply comes from one of our unicast addresses (RFC 4443 4.2).
    Ipv6Address source =
        request.multicast ? m_ip.source_for(request.header.source) : request.header.destination;
    uint8_t header[4] = {icmpv6_type::echo_reply, 0, 0, 0};
    // The identifier, sequence number and data go back as they came.
    TransmitFragment reply[2] = {{header, sizeof header},
                                 {request.payload + 4, request.payload_length - 4}};
    store_be16(header + 2, checksum_of(source, request.header.source, reply, 2));
    auto sent = m_ip.send_datagram(source, request.header.source, ipv6_next_header::icmpv6, reply,
                                   2, nullptr);
    if (!sent.is_error())
        ++m_statistics.icmpv6_echo_replies;
}

namespace {

// The packet an ICMPv6 error quotes: its fixed header's addresses and protocol, and where the
// header starts (RFC 4443 2.4 c).
struct QuotedPacket {
    const uint8_t* header;
    Ipv6Address source;
    Ipv6Address destination;
};

// False unless the message holds an IPv6 header and `after_header` bytes beyond it.
bool read_quoted(const Ipv6Datagram& datagram, size_t after_header, QuotedPacket& quoted) {
    if (datagram.payload_length < icmpv6_header_length + ipv6_header_length + after_header ||
        (datagram.payload[icmpv6_header_length] >> 4) != 6)
        return false;
    quoted.header = datagram.payload + icmpv6_header_length;
    memcpy(quoted.source.bytes, quoted.header + 8, 16);
    memcpy(quoted.destination.bytes, quoted.header + 24, 16);
    return true;
}

} // namespace

void Icmpv6Layer::receive_packet_too_big(const Ipv6Datagram& datagram) {
    ++m_statistics.icmpv6_packet_too_big;
    // The quoted packet must be one of ours: its fixed header at least.
    QuotedPacket quoted;
    if (!read_quoted(datagram, 0, quoted)) {
        ++m_statistics.dropped_malformed;
        return;
    }
    if (!m_ip.is_our_address(quoted.source) || quoted.destination.is_multicast()) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    m_ip.record_packet_too_big(quoted.destination, load_be32(datagram.payload + 4));
    // The transport resizes what it has in flight (TCP's MSS) to what the path now carries,
    // as the cache holds it: never below 1280 nor above the link's MTU, whatever was claimed.
    constexpr size_t quoted_transport = icmpv6_header_length + ipv6_header_length;
    if (m_errors && datagram.payload_length >= quoted_transport + 8)
        m_errors->receive_icmp6_error(
            quoted.header[6], quoted.destination, datagram.payload + quoted_transport,
            datagram.payload_length - quoted_transport, EMSGSIZE, m_ip.mtu_for(quoted.destination));
}

namespace {

// RFC 4443 3.1's codes as Linux's icmpv6_err_convert maps them.
int unreachable_error(uint8_t code) {
    switch (code) {
    case icmpv6_unreachable::no_route:
        return ENETUNREACH;
    case icmpv6_unreachable::port:
        return ECONNREFUSED;
    case 1: // communication administratively prohibited
    case 5: // source address failed ingress/egress policy
    case 6: // reject route to destination
        return EACCES;
    default: // beyond the scope of the source address, address unreachable, unknown
        return EHOSTUNREACH;
    }
}

} // namespace

void Icmpv6Layer::receive_destination_unreachable(const Ipv6Datagram& datagram) {
    // The quoted packet must be one we sent: its fixed header, then (we send no extension
    // headers) the first 8 bytes of its transport header.
    constexpr size_t quoted_transport = icmpv6_header_length + ipv6_header_length;
    QuotedPacket quoted;
    if (!read_quoted(datagram, 8, quoted)) {
        ++m_statistics.dropped_malformed;
        return;
    }
    if (!m_ip.is_local(quoted.source) || !m_errors) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    m_errors->receive_icmp6_error(
        quoted.header[6], quoted.destination, datagram.payload + quoted_transport,
        datagram.payload_length - quoted_transport, unreachable_error(datagram.payload[1]), 0);
}

bool Icmpv6Layer::take_error_token() {
    if (m_error_limit.take(m_environment.now_ns()))
        return true;
    ++m_statistics.icmpv6_rate_limited;
    return false;
}

void Icmpv6Layer::send_error(uint8_t type, uint8_t code, uint32_t parameter,
                             const Ipv6Header& header, const uint8_t* offending, size_t length) {
    if (header.source.is_any() || header.source.is_multicast())
        return;
    // The ICMPv6 message may sit behind extension headers: look past them.
    uint8_t protocol;
    size_t offset;
    if (skip_extension_headers(offending, length, protocol, offset) &&
        protocol == ipv6_next_header::icmpv6 && offset < length) {
        uint8_t offending_type = offending[offset];
        if (is_error(offending_type) || offending_type == icmpv6_type::redirect)
            return;
    }
    if (!take_error_token())
        return;
    Ipv6Address source = header.destination.is_multicast() || !m_ip.is_local(header.destination)
                             ? m_ip.source_for(header.source)
                             : header.destination;
    if (source.is_any())
        return;
    // As much of the offending packet as fits in the minimum MTU (RFC 4443 2.4 c).
    size_t quoted = min(length, ipv6_minimum_mtu - ipv6_header_length - icmpv6_header_length);
    uint8_t message[icmpv6_header_length] = {type, code};
    store_be32(message + 4, parameter);
    TransmitFragment fragments[2] = {{message, sizeof message}, {offending, quoted}};
    store_be16(message + 2, checksum_of(source, header.source, fragments, 2));
    (void)m_ip.send_datagram(source, header.source, ipv6_next_header::icmpv6, fragments, 2,
                             nullptr);
}

} // namespace kernel::net
