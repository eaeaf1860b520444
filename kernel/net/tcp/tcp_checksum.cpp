#include "net/tcp/tcp_checksum.h"

#include "net/ip_output.h"

namespace kernel::net::tcp {

ChecksumAccumulator tcp_checksum_start(Ipv4Address source, Ipv4Address destination,
                                       uint16_t tcp_length) {
    return ChecksumAccumulator(
        pseudo_header_sum(source, destination, ip_protocol::tcp, tcp_length));
}

bool tcp_checksum_valid(Ipv4Address source, Ipv4Address destination, const uint8_t* segment,
                        size_t length) {
    if (length > 0xffff)
        return false;
    ChecksumAccumulator sum =
        tcp_checksum_start(source, destination, static_cast<uint16_t>(length));
    sum.add(segment, length);
    return sum.folded() == 0xffff;
}

} // namespace kernel::net::tcp
