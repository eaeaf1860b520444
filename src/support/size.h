// Sizes as users write them: 64M, 512MiB, 1G, 4096, 8k.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ingot {

std::optional<uint64_t> parse_size(std::string_view text);
std::string format_size(uint64_t bytes);

} // namespace ingot
