#include "support/base64.h"

#include <algorithm>
#include <array>

namespace ingot {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// -1 for a character outside the alphabet.
constexpr std::array<int8_t, 256> make_values() {
    std::array<int8_t, 256> values{};
    values.fill(-1);
    for (int i = 0; i < 64; ++i)
        values[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    return values;
}
constexpr std::array<int8_t, 256> values = make_values();

} // namespace

std::string encode_base64(std::span<const uint8_t> bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t at = 0; at < bytes.size(); at += 3) {
        size_t count = std::min<size_t>(3, bytes.size() - at);
        uint32_t group = uint32_t(bytes[at]) << 16;
        if (count > 1)
            group |= uint32_t(bytes[at + 1]) << 8;
        if (count > 2)
            group |= bytes[at + 2];
        for (size_t i = 0; i < 4; ++i)
            text += i <= count ? alphabet[(group >> (18 - 6 * i)) & 63] : '=';
    }
    return text;
}

std::optional<std::vector<uint8_t>> decode_base64(std::string_view text) {
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::vector<uint8_t> bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (size_t at = 0; at < text.size(); at += 4) {
        bool last = at + 4 == text.size();
        size_t padding = 0;
        if (last)
            padding = text[at + 3] != '=' ? 0 : text[at + 2] != '=' ? 1 : 2;
        uint32_t group = 0;
        for (size_t i = 0; i < 4; ++i) {
            int value = i < 4 - padding ? values[static_cast<uint8_t>(text[at + i])] : 0;
            if (value < 0)
                return std::nullopt;
            group = group << 6 | uint32_t(value);
        }
        // The bits under the padding must be zero: one text per byte string.
        if ((padding == 1 && (group & 0xff)) || (padding == 2 && (group & 0xffff)))
            return std::nullopt;
        bytes.push_back(static_cast<uint8_t>(group >> 16));
        if (padding < 2)
            bytes.push_back(static_cast<uint8_t>(group >> 8));
        if (padding < 1)
            bytes.push_back(static_cast<uint8_t>(group));
    }
    return bytes;
}

} // namespace ingot
