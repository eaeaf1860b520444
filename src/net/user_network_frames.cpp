#include "net/user_network_frames.h"

namespace ingot {

bool complete_checksum(std::span<uint8_t> frame, uint16_t start, uint16_t offset) {
    size_t field = size_t{start} + offset;
    if (field + 2 > frame.size())
        return false;
    // RFC 1071: the one's complement sum of 16-bit big-endian words, an odd last byte padded
    // with zero, carries folded back in.
    uint64_t sum = 0;
    size_t at = start;
    for (; at + 1 < frame.size(); at += 2)
        sum += uint32_t(frame[at]) << 8 | frame[at + 1];
    if (at < frame.size())
        sum += uint32_t(frame[at]) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t checksum = static_cast<uint16_t>(~sum);
    // UDP sends a computed zero as all ones, zero meaning "no checksum" (RFC 768); in one's
    // complement both are zero, so TCP's receivers accept it as well.
    if (checksum == 0)
        checksum = 0xffff;
    frame[field] = static_cast<uint8_t>(checksum >> 8);
    frame[field + 1] = static_cast<uint8_t>(checksum);
    return true;
}

} // namespace ingot
