#include "net/checksum.h"

namespace kernel::net {

uint16_t fold_checksum(uint64_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

void ChecksumAccumulator::add(const void* data, size_t length) {
    auto* bytes = static_cast<const uint8_t*>(data);
    if (length == 0)
        return;
    if (m_odd) {
        m_sum += bytes[0];
        ++bytes;
        --length;
        m_odd = false;
    }
    uint64_t sum = 0;
    while (length >= 2) {
        sum += (uint32_t(bytes[0]) << 8) | bytes[1];
        bytes += 2;
        length -= 2;
    }
    if (length) {
        sum += uint32_t(bytes[0]) << 8;
        m_odd = true;
    }
    m_sum += sum;
}

void ChecksumAccumulator::add(const TransmitFragment* fragments, size_t count) {
    for (size_t i = 0; i < count; ++i)
        add(fragments[i].data, fragments[i].length);
}

uint16_t ChecksumAccumulator::folded() const {
    return fold_checksum(m_sum);
}

uint16_t internet_checksum(const void* data, size_t length, uint32_t initial) {
    ChecksumAccumulator accumulator(initial);
    accumulator.add(data, length);
    return accumulator.checksum();
}

uint32_t ipv6_pseudo_header_sum(const Ipv6Address& source, const Ipv6Address& destination,
                                uint8_t next_header, uint32_t length) {
    uint32_t sum = 0;
    for (size_t i = 0; i < 16; i += 2) {
        sum += (uint32_t(source.bytes[i]) << 8) | source.bytes[i + 1];
        sum += (uint32_t(destination.bytes[i]) << 8) | destination.bytes[i + 1];
    }
    return sum + (length >> 16) + (length & 0xffff) + next_header;
}

} // namespace kernel::net
