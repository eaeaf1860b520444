#include "net/tcp/tcp_header.h"

#include "lib/string.h"

namespace kernel::net::tcp {

namespace {

namespace option_kind {
constexpr uint8_t end = 0;
constexpr uint8_t no_operation = 1;
constexpr uint8_t mss = 2;
constexpr uint8_t window_scale = 3;
constexpr uint8_t sack_permitted = 4;
constexpr uint8_t sack = 5;
constexpr uint8_t timestamps = 8;
constexpr uint8_t fastopen = 34; // RFC 7413 4.1.1
} // namespace option_kind

uint16_t load16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t load32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
void store16(uint8_t* p, uint16_t value) {
    p[0] = static_cast<uint8_t>(value >> 8);
    p[1] = static_cast<uint8_t>(value);
}
void store32(uint8_t* p, uint32_t value) {
    store16(p, static_cast<uint16_t>(value >> 16));
    store16(p + 2, static_cast<uint16_t>(value));
}

bool parse_options(const uint8_t* data, size_t length, TcpOptions& options) {
    size_t index = 0;
    while (index < length) {
        uint8_t kind = data[index];
        if (kind == option_kind::end)
            return true;
        if (kind == option_kind::no_operation) {
            ++index;
            continue;
        }
        if (index + 1 >= length)
            return false;
        size_t option_length = data[index + 1];
        if (option_length < 2 || index + option_length > length)
            return false;
        const uint8_t* body = data + index + 2;
        size_t body_length = option_length - 2;
        switch (kind) {
        case option_kind::mss:
            if (body_length != 2)
                return false;
            options.has_mss = true;
            options.mss = load16(body);
            break;
        case option_kind::window_scale:
            if (body_length != 1)
                return false;
            options.has_window_scale = true;
            options.window_scale = body[0];
            break;
        case option_kind::sack_permitted:
            if (body_length != 0)
                return false;
            options.sack_permitted = true;
            break;
        case option_kind::sack:
            if (body_length == 0 || body_length % 8 != 0 ||
                body_length / 8 > tcp_maximum_sack_blocks)
                return false;
            options.sack_block_count = static_cast<uint8_t>(body_length / 8);
            for (size_t block = 0; block < options.sack_block_count; ++block) {
                options.sack_blocks[block].start = load32(body + block * 8);
                options.sack_blocks[block].end = load32(body + block * 8 + 4);
            }
            break;
        case option_kind::timestamps:
            if (body_length != 8)
                return false;
            options.has_timestamps = true;
            options.timestamp_value = load32(body);
            options.timestamp_echo = load32(body + 4);
            break;
        case option_kind::fastopen:
            if (body_length != 0 && (body_length < tcp_fastopen_cookie_min ||
                                     body_length > tcp_fastopen_cookie_max || body_length % 2))
                break;
            options.has_fastopen = true;
            options.fastopen_cookie_length = static_cast<uint8_t>(body_length);
            memcpy(options.fastopen_cookie, body, body_length);
            break;
        default:
            break; // unknown options are skipped by their length
        }
        index += option_length;
    }
    return true;
}

} // namespace

bool parse_tcp_segment(const uint8_t* data, size_t length, TcpSegment& segment) {
    if (length < tcp_minimum_header)
        return false;
    size_t header_length = size_t(data[12] >> 4) * 4;
    if (header_length < tcp_minimum_header || header_length > length)
        return false;
    TcpHeader& header = segment.header;
    header = {};
    header.source_port = load16(data);
    header.destination_port = load16(data + 2);
    header.sequence = load32(data + 4);
    header.acknowledgment = load32(data + 8);
    header.flags = data[13] & 0x3f;
    header.window = load16(data + 14);
    header.urgent_pointer = load16(data + 18);
    if (!parse_options(data + tcp_minimum_header, header_length - tcp_minimum_header,
                       header.options))
        return false;
    segment.payload = data + header_length;
    segment.payload_length = length - header_length;
    return true;
}

size_t build_tcp_header(const TcpHeader& header, uint8_t* out) {
    const TcpOptions& options = header.options;
    uint8_t* cursor = out + tcp_minimum_header;
    if (options.has_mss) {
        cursor[0] = option_kind::mss;
        cursor[1] = 4;
        store16(cursor + 2, options.mss);
        cursor += 4;
    }
    // SACK-permitted takes the place of the two no-ops before timestamps, as Linux packs them.
    bool sack_before_timestamps = options.sack_permitted && options.has_timestamps;
    if (options.sack_permitted && !sack_before_timestamps) {
        cursor[0] = option_kind::no_operation;
        cursor[1] = option_kind::no_operation;
        cursor[2] = option_kind::sack_permitted;
        cursor[3] = 2;
        cursor += 4;
    }
    if (options.has_window_scale) {
        cursor[0] = option_kind::no_operation;
        cursor[1] = option_kind::window_scale;
        cursor[2] = 3;
        cursor[3] = options.window_scale;
        cursor += 4;
    }
    if (options.has_timestamps) {
        cursor[0] =
            sack_before_timestamps ? option_kind::sack_permitted : option_kind::no_operation;
        cursor[1] = sack_before_timestamps ? 2 : option_kind::no_operation;
        cursor[2] = option_kind::timestamps;
        cursor[3] = 10;
        store32(cursor + 4, options.timestamp_value);
        store32(cursor + 8, options.timestamp_echo);
        cursor += 12;
    }
    if (options.has_fastopen) {
        // Padded in front to a multiple of 4, as Linux writes it.
        size_t length = 2 + size_t(options.fastopen_cookie_length);
        for (size_t pad = (4 - length % 4) % 4; pad > 0; --pad)
            *cursor++ = option_kind::no_operation;
        cursor[0] = option_kind::fastopen;
        cursor[1] = static_cast<uint8_t>(length);
        memcpy(cursor + 2, options.fastopen_cookie, options.fastopen_cookie_length);
        cursor += length;
    }
    size_t room = out + tcp_maximum_header - cursor;
    size_t blocks = options.sack_block_count;
    if (blocks > 0 && room >= 12) {
        if (blocks > (room - 4) / 8)
            blocks = (room - 4) / 8;
        cursor[0] = option_kind::no_operation;
        cursor[1] = option_kind::no_operation;
        cursor[2] = option_kind::sack;
        cursor[3] = static_cast<uint8_t>(2 + blocks * 8);
        cursor += 4;
        for (size_t block = 0; block < blocks; ++block) {
            store32(cursor, options.sack_blocks[block].start);
            store32(cursor + 4, options.sack_blocks[block].end);
            cursor += 8;
        }
    }
    size_t header_length = cursor - out;
    store16(out, header.source_port);
    store16(out + 2, header.destination_port);
    store32(out + 4, header.sequence);
    store32(out + 8, header.acknowledgment);
    out[12] = static_cast<uint8_t>((header_length / 4) << 4);
    out[13] = header.flags;
    store16(out + 14, header.window);
    store16(out + 16, 0);
    store16(out + 18, header.urgent_pointer);
    return header_length;
}

} // namespace kernel::net::tcp
