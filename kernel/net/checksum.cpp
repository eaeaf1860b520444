#include "net/checksum.h"

namespace kernel::net {

uint16_t fold_checksum(uint64_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

namespace {

uint16_t swap_bytes(uint16_t value) {
    return static_cast<uint16_t>((value << 8) | (value >> 8));
}

// The folded sum of the bytes read as little-endian 16-bit words, a last odd byte as the low
// half: four bytes at a time, since 2^16 is 1 modulo 0xffff and wider words fold the same.
uint16_t little_endian_sum(const uint8_t* bytes, size_t length) {
    uint64_t sum = 0;
    for (; length >= 4; bytes += 4, length -= 4) {
        uint32_t word;
        __builtin_memcpy(&word, bytes, sizeof word); // a load: -ffreestanding makes memcpy a call
        sum += word;
    }
    if (length >= 2) {
        sum += uint32_t(bytes[0]) | (uint32_t(bytes[1]) << 8);
        bytes += 2;
        length -= 2;
    }
    if (length)
        sum += bytes[0];
    return fold_checksum(sum);
}

} // namespace

// RFC 1071 2(B): the sum is independent of byte order, so the bytes are summed as the CPU
// loads them and the folded result swapped to network order. A piece that starts on an odd
// byte of the whole lies shifted by one: its sum is swapped once more (2(A), 2(C)).
void ChecksumAccumulator::add(const void* data, size_t length) {
    if (length == 0)
        return;
    uint16_t sum = swap_bytes(little_endian_sum(static_cast<const uint8_t*>(data), length));
    m_sum += m_odd ? swap_bytes(sum) : sum;
    if (length % 2)
        m_odd = !m_odd;
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
