#include "support/size.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace ingot {

std::optional<uint64_t> parse_size(std::string_view text) {
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data())
        return std::nullopt;
    std::string suffix;
    for (const char* p = end; p != text.data() + text.size(); ++p)
        suffix += static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
    int shift = 0;
    if (suffix.empty() || suffix == "B")
        shift = 0;
    else if (suffix == "K" || suffix == "KB" || suffix == "KIB")
        shift = 10;
    else if (suffix == "M" || suffix == "MB" || suffix == "MIB")
        shift = 20;
    else if (suffix == "G" || suffix == "GB" || suffix == "GIB")
        shift = 30;
    else
        return std::nullopt;
    if (shift && value > (UINT64_MAX >> shift))
        return std::nullopt;
    return value << shift;
}

std::string format_size(uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        return fmt::format("{} GiB", bytes >> 30);
    if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0)
        return fmt::format("{} MiB", bytes >> 20);
    if (bytes >= (1ull << 20))
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
    if (bytes >= (1ull << 10))
        return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / (1 << 10));
    return fmt::format("{} B", bytes);
}

} // namespace ingot
