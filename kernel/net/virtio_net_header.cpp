#include "net/virtio_net_header.h"

namespace kernel {

namespace {

constexpr size_t ethernet_header_size = 14;
constexpr size_t ipv4_header_size = 20;
constexpr size_t ipv6_header_size = 40;
constexpr size_t tcp_header_size = 20;
// Where the TCP data offset sits in its header (RFC 9293 3.1).
constexpr size_t tcp_data_offset_at = 12;

// Byte `offset` of the frame that `fragments` make up; the caller has checked the length.
uint8_t frame_byte(const net::TransmitFragment* fragments, size_t count, size_t offset) {
    for (size_t i = 0; i < count; ++i) {
        if (offset < fragments[i].length)
            return static_cast<const uint8_t*>(fragments[i].data)[offset];
        offset -= fragments[i].length;
    }
    return 0;
}

} // namespace

bool fill_transmit_header(const net::ChecksumRequest* checksum,
                          const net::TransmitFragment* fragments, size_t count, size_t length,
                          const NetHeaderOffloads& offloads, abi::VirtioNetHeader& header) {
    header = {};
    if (!checksum)
        return length <= offloads.max_frame_length;
    if (!offloads.checksum ||
        size_t(checksum->start) + checksum->offset + sizeof(uint16_t) > length)
        return false;
    header.flags = abi::virtio_net_needs_checksum;
    header.checksum_start = checksum->start;
    header.checksum_offset = checksum->offset;
    if (!checksum->segment_size)
        return length <= offloads.max_frame_length;
    // A TCP segment to cut (5.1.6.2): gso_size payload bytes per segment, behind the headers
    // that hdr_len covers (up to the TCP payload), each segment's checksum completed.
    bool ipv6 = checksum->version == net::IpVersion::v6;
    size_t ip_header_size = ipv6 ? ipv6_header_size : ipv4_header_size;
    if (!(ipv6 ? offloads.segment_v6 : offloads.segment_v4) || length > max_cut_frame_length ||
        size_t(checksum->start) < ethernet_header_size + ip_header_size ||
        size_t(checksum->start) + tcp_header_size > length)
        return false;
    size_t tcp_header_length =
        size_t(frame_byte(fragments, count, checksum->start + tcp_data_offset_at) >> 4) * 4;
    size_t headers = checksum->start + tcp_header_length;
    if (tcp_header_length < tcp_header_size || headers >= length)
        return false;
    header.gso_type = ipv6 ? abi::virtio_net_gso_tcpv6 : abi::virtio_net_gso_tcpv4;
    header.gso_size = checksum->segment_size;
    header.header_length = static_cast<uint16_t>(headers);
    return true;
}

bool acceptable_receive_header(const abi::VirtioNetHeader& header, bool coalesced_v4,
                               bool coalesced_v6) {
    if (header.gso_type == abi::virtio_net_gso_none)
        return true;
    bool agreed = (header.gso_type == abi::virtio_net_gso_tcpv4 && coalesced_v4) ||
                  (header.gso_type == abi::virtio_net_gso_tcpv6 && coalesced_v6);
    return agreed && (header.flags & (abi::virtio_net_needs_checksum | abi::virtio_net_data_valid));
}

} // namespace kernel
