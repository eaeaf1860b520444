#include "net/tcp/tcp_checksum.h"

#include "net/ip_output.h"

namespace kernel::net::tcp {

void ChecksumAccumulator::add(const void* data, size_t length) {
    auto* bytes = static_cast<const uint8_t*>(data);
    size_t index = 0;
    if (m_odd && length > 0) {
        m_sum += bytes[0];
        index = 1;
        m_odd = false;
    }
    for (; index + 1 < length; index += 2)
        m_sum += (uint32_t(bytes[index]) << 8) | bytes[index + 1];
    if (index < length) {
        m_sum += uint32_t(bytes[index]) << 8;
        m_odd = true;
    }
}

uint16_t ChecksumAccumulator::folded() const {
    uint64_t sum = m_sum;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

void add_tcp_pseudo_header(ChecksumAccumulator& sum, Ipv4Address source, Ipv4Address destination,
                           uint16_t tcp_length) {
    sum.add_word(static_cast<uint16_t>(source.value >> 16));
    sum.add_word(static_cast<uint16_t>(source.value));
    sum.add_word(static_cast<uint16_t>(destination.value >> 16));
    sum.add_word(static_cast<uint16_t>(destination.value));
    sum.add_word(ip_protocol::tcp);
    sum.add_word(tcp_length);
}

bool tcp_checksum_valid(Ipv4Address source, Ipv4Address destination, const uint8_t* segment,
                        size_t length) {
    if (length > 0xffff)
        return false;
    ChecksumAccumulator sum;
    add_tcp_pseudo_header(sum, source, destination, static_cast<uint16_t>(length));
    sum.add(segment, length);
    return sum.folded() == 0xffff;
}

} // namespace kernel::net::tcp
