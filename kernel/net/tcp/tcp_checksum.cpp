#include "net/tcp/tcp_checksum.h"

#include "net/ip_output.h"

namespace kernel::net::tcp {

ChecksumAccumulator tcp_checksum_start(const IpAddress& source, const IpAddress& destination,
                                       uint16_t tcp_length) {
    if (source.is_v4())
        return ChecksumAccumulator(
            pseudo_header_sum(source.v4(), destination.v4(), ip_protocol::tcp, tcp_length));
    return ChecksumAccumulator(
        ipv6_pseudo_header_sum(source.v6, destination.v6, ip_protocol::tcp, tcp_length));
}

bool tcp_checksum_valid(const IpAddress& source, const IpAddress& destination,
                        const uint8_t* segment, size_t length) {
    if (length > 0xffff)
        return false;
    ChecksumAccumulator sum =
        tcp_checksum_start(source, destination, static_cast<uint16_t>(length));
    sum.add(segment, length);
    return sum.folded() == 0xffff;
}

} // namespace kernel::net::tcp
