#include "message_writer.h"

#include <algorithm>

namespace dns {
namespace {

// Pointers hold 14 bits of offset.
constexpr std::size_t max_pointer_offset = 0x3fff;

} // namespace

void MessageWriter::u16(std::uint16_t value) {
    u8(static_cast<std::uint8_t>(value >> 8));
    u8(static_cast<std::uint8_t>(value));
}

void MessageWriter::u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value));
}

void MessageWriter::put_u16_at(std::size_t offset, std::uint16_t value) {
    bytes_[offset] = static_cast<std::uint8_t>(value >> 8);
    bytes_[offset + 1] = static_cast<std::uint8_t>(value);
}

void MessageWriter::remember_name(const std::string& dotted, std::size_t offset) {
    std::size_t start = 0;
    while (start < dotted.size() && offset <= max_pointer_offset) {
        suffixes_.emplace_back(dotted.substr(start), static_cast<std::uint16_t>(offset));
        std::size_t dot = dotted.find('.', start);
        if (dot == std::string::npos)
            break;
        offset += dot - start + 1;
        start = dot + 1;
    }
}

void MessageWriter::name(const std::string& dotted) {
    std::size_t start = 0;
    while (start < dotted.size()) {
        std::string suffix = dotted.substr(start);
        auto known = std::find_if(suffixes_.begin(), suffixes_.end(),
                                  [&](const auto& entry) { return entry.first == suffix; });
        if (known != suffixes_.end()) {
            u16(static_cast<std::uint16_t>(0xc000 | known->second));
            return;
        }
        if (size() <= max_pointer_offset)
            suffixes_.emplace_back(std::move(suffix), static_cast<std::uint16_t>(size()));
        std::size_t dot = dotted.find('.', start);
        std::size_t end = dot == std::string::npos ? dotted.size() : dot;
        u8(static_cast<std::uint8_t>(end - start));
        raw(reinterpret_cast<const std::uint8_t*>(dotted.data()) + start, end - start);
        start = end == dotted.size() ? end : end + 1;
    }
    u8(0);
}

void MessageWriter::forget_names_from(std::size_t size) {
    std::erase_if(suffixes_, [size](const auto& entry) { return entry.second >= size; });
}

} // namespace dns
