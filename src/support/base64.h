// Base64 (RFC 4648 section 4, with padding): binary data inside a JSON document, such as the
// image a stored launch plan carries when it was packed on the fly.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

std::string encode_base64(std::span<const uint8_t> bytes);

// Nothing for text that is not canonical base64: a length not a multiple of 4, a character
// outside the alphabet, padding anywhere but at the end, or non-zero bits under the padding
// (RFC 4648 section 3.5).
std::optional<std::vector<uint8_t>> decode_base64(std::string_view text);

} // namespace ingot
