#include "net/icmp.h"

#include "lib/errno.h"
#include "net/byte_order.h"
#include "net/checksum.h"

namespace kernel::net {

namespace {

// The errno a transport reports for an ICMP error, as Linux maps them.
int error_for(uint8_t type, uint8_t code) {
    if (type != icmp_type::destination_unreachable)
        return EHOSTUNREACH;
    switch (code) {
    case icmp_unreachable::network:
        return ENETUNREACH;
    case icmp_unreachable::protocol:
    case icmp_unreachable::port:
        return ECONNREFUSED;
    case icmp_unreachable::fragmentation_needed:
        return EMSGSIZE;
    default:
        return EHOSTUNREACH;
    }
}

bool is_error_type(uint8_t type) {
    return type == icmp_type::destination_unreachable || type == icmp_type::time_exceeded ||
           type == icmp_type::parameter_problem;
}

} // namespace

IcmpLayer::IcmpLayer(Ipv4Layer& ip, const Environment& environment, StackStatistics& statistics,
                     IcmpErrorSink& sink)
    : m_ip(ip), m_environment(environment), m_statistics(statistics), m_sink(sink),
      m_error_limit(environment.now_ns()) {
    m_ip.set_icmp(this);
}

void IcmpLayer::receive(const Ipv4Datagram& datagram) {
    if (datagram.payload_length < icmp_header_length) {
        ++m_statistics.dropped_malformed;
        return;
    }
    if (internet_checksum(datagram.payload, datagram.payload_length) != 0) {
        ++m_statistics.dropped_bad_checksum;
        return;
    }
    uint8_t type = datagram.payload[0];
    if (type == icmp_type::echo_request) {
        // Broadcast pings go unanswered, as Linux does by default (smurf amplification).
        if (!datagram.link_broadcast)
            reply_to_echo(datagram);
        return;
    }
    if (is_error_type(type))
        receive_error(datagram, error_for(type, datagram.payload[1]));
}

void IcmpLayer::reply_to_echo(const Ipv4Datagram& request) {
    uint8_t header[4] = {icmp_type::echo_reply, 0, 0, 0};
    // The identifier, sequence number and data go back as they came.
    TransmitFragment reply[2] = {{header, sizeof header},
                                 {request.payload + 4, request.payload_length - 4}};
    ChecksumAccumulator sum;
    sum.add(reply, 2);
    store_be16(header + 2, sum.checksum());
    auto sent = m_ip.send_datagram(request.header.destination, request.header.source,
                                   ip_protocol::icmp, reply, 2, nullptr);
    if (!sent.is_error())
        ++m_statistics.icmp_echo_replies;
}

void IcmpLayer::receive_error(const Ipv4Datagram& datagram, int error) {
    const uint8_t* quoted = datagram.payload + icmp_header_length;
    size_t quoted_length = datagram.payload_length - icmp_header_length;
    if (quoted_length < ipv4_header_length || (quoted[0] >> 4) != 4) {
        ++m_statistics.dropped_malformed;
        return;
    }
    size_t header_length = size_t(quoted[0] & 0xf) * 4;
    // The quoted datagram is often cut short, so its total length is not checked; RFC 792
    // promises its header and the first 8 bytes of its payload.
    if (header_length < ipv4_header_length || quoted_length < header_length + 8) {
        ++m_statistics.dropped_malformed;
        return;
    }
    uint8_t protocol = quoted[9];
    Ipv4Address local{load_be32(quoted + 12)};
    Ipv4Address remote{load_be32(quoted + 16)};
    if (!m_ip.is_local(local)) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    // RFC 1191 4: the next-hop MTU sits in the low 16 bits of the header's unused word.
    bool fragmentation_needed = datagram.payload[0] == icmp_type::destination_unreachable &&
                                datagram.payload[1] == icmp_unreachable::fragmentation_needed;
    size_t next_hop_mtu = fragmentation_needed ? load_be16(datagram.payload + 6) : 0;
    m_sink.receive_icmp_error(protocol, local, remote, quoted + header_length,
                              quoted_length - header_length, error, next_hop_mtu);
}

bool IcmpLayer::take_error_token() {
    if (m_error_limit.take(m_environment.now_ns()))
        return true;
    ++m_rate_limited;
    return false;
}

void IcmpLayer::send_port_unreachable(const Ipv4Datagram& offending) {
    // Never about a broadcast, nor to an address that cannot be answered (RFC 1122 3.2.2).
    if (offending.link_broadcast || offending.header.source.is_any() ||
        m_ip.is_broadcast(offending.header.source) || offending.header.destination.is_any())
        return;
    if (!take_error_token())
        return;
    uint8_t header[icmp_header_length] = {icmp_type::destination_unreachable,
                                          icmp_unreachable::port};
    TransmitFragment message[3] = {
        {header, sizeof header},
        {offending.raw_header, offending.header.header_length},
        {offending.payload, min<size_t>(offending.payload_length, 8)},
    };
    ChecksumAccumulator sum;
    sum.add(message, 3);
    store_be16(header + 2, sum.checksum());
    (void)m_ip.send_datagram(offending.header.destination, offending.header.source,
                             ip_protocol::icmp, message, 3, nullptr);
}

void IcmpLayer::send_reassembly_time_exceeded(const Ipv4Header& header, const uint8_t* first,
                                              size_t length) {
    // Never about a broadcast or multicast, to a source that cannot be answered, nor about an
    // ICMP error (RFC 1122 3.2.2).
    if (header.destination.is_multicast() || m_ip.is_broadcast(header.destination) ||
        header.source.is_any() || header.source.is_multicast() || m_ip.is_broadcast(header.source))
        return;
    if (header.protocol == ip_protocol::icmp && length > 0 && is_error_type(first[0]))
        return;
    if (!take_error_token())
        return;
    uint8_t message[icmp_header_length] = {icmp_type::time_exceeded,
                                           icmp_time_exceeded::reassembly};
    uint8_t quoted_header[ipv4_header_length];
    write_ipv4_header(quoted_header, header);
    TransmitFragment parts[3] = {
        {message, sizeof message},
        {quoted_header, sizeof quoted_header},
        {first, min<size_t>(length, 8)},
    };
    ChecksumAccumulator sum;
    sum.add(parts, 3);
    store_be16(message + 2, sum.checksum());
    (void)m_ip.send_datagram(header.destination, header.source, ip_protocol::icmp, parts, 3,
                             nullptr);
}

} // namespace kernel::net
