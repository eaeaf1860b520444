// The TCP header on the wire (RFC 9293) and the options Ingot speaks: MSS, window scale
// (RFC 7323), SACK-permitted and SACK blocks (RFC 2018), timestamps (RFC 7323), the Fast Open
// cookie (RFC 7413).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

namespace tcp_flag {
inline constexpr uint8_t fin = 0x01;
inline constexpr uint8_t syn = 0x02;
inline constexpr uint8_t rst = 0x04;
inline constexpr uint8_t psh = 0x08;
inline constexpr uint8_t ack = 0x10;
inline constexpr uint8_t urg = 0x20;
} // namespace tcp_flag

inline constexpr size_t tcp_minimum_header = 20;
inline constexpr size_t tcp_maximum_header = 60;
inline constexpr size_t tcp_maximum_sack_blocks = 4;
inline constexpr uint8_t tcp_maximum_window_scale = 14;
// A Fast Open cookie is 4 to 16 bytes, an even number (RFC 7413 4.1.1, as Linux checks it).
inline constexpr size_t tcp_fastopen_cookie_min = 4;
inline constexpr size_t tcp_fastopen_cookie_max = 16;

struct SackBlock {
    uint32_t start;
    uint32_t end; // one past the last byte
};

struct TcpOptions {
    bool has_mss = false;
    uint16_t mss = 0;
    bool has_window_scale = false;
    uint8_t window_scale = 0;
    bool sack_permitted = false;
    bool has_timestamps = false;
    uint32_t timestamp_value = 0;
    uint32_t timestamp_echo = 0;
    uint8_t sack_block_count = 0;
    SackBlock sack_blocks[tcp_maximum_sack_blocks] = {};
    // Fast Open: a cookie request (length 0) or a cookie; an option of another length is
    // ignored, as Linux ignores it.
    bool has_fastopen = false;
    uint8_t fastopen_cookie_length = 0;
    uint8_t fastopen_cookie[tcp_fastopen_cookie_max] = {};
};

struct TcpHeader {
    uint16_t source_port = 0;
    uint16_t destination_port = 0;
    uint32_t sequence = 0;
    uint32_t acknowledgment = 0;
    uint8_t flags = 0;
    uint16_t window = 0;
    uint16_t urgent_pointer = 0;
    TcpOptions options;

    bool has(uint8_t flag) const { return (flags & flag) != 0; }
};

// A segment as received: the parsed header and where its payload is.
struct TcpSegment {
    TcpHeader header;
    const uint8_t* payload = nullptr;
    size_t payload_length = 0;

    // Sequence space the segment occupies: its payload plus one each for SYN and FIN.
    uint32_t sequence_length() const {
        return static_cast<uint32_t>(payload_length) + (header.has(tcp_flag::syn) ? 1 : 0) +
               (header.has(tcp_flag::fin) ? 1 : 0);
    }
};

// False for a malformed segment: shorter than its header, a data offset below 5 or past the
// end, an option running past the header, or an option with a wrong length.
bool parse_tcp_segment(const uint8_t* data, size_t length, TcpSegment& segment);

// Writes the header with its options (padded to 4 bytes) and a zero checksum; returns its
// length. SACK blocks are cut to what fits beside the other options.
size_t build_tcp_header(const TcpHeader& header, uint8_t* out /* tcp_maximum_header bytes */);

inline constexpr size_t tcp_checksum_offset = 16;

// The window scale we offer for a receive buffer: the smallest shift that lets the 16-bit
// window field cover it (RFC 7323 2.3).
inline uint8_t window_scale_for(uint32_t receive_buffer) {
    uint8_t scale = 0;
    while (scale < tcp_maximum_window_scale && (uint64_t(0xffff) << scale) < receive_buffer)
        ++scale;
    return scale;
}

} // namespace kernel::net::tcp
