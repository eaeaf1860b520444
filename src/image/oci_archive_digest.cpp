#include "image/oci_archive_digest.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace ingot::oci {

std::string sha256_digest(std::span<const uint8_t> bytes) {
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // EVP_Digest fails only when OpenSSL cannot allocate: not the user's input.
    if (!EVP_Digest(bytes.data(), bytes.size(), hash, &length, EVP_sha256(), nullptr))
        throw std::runtime_error("OpenSSL's SHA-256 failed");
    std::string text = "sha256:";
    for (unsigned int i = 0; i < length; ++i)
        text += fmt::format("{:02x}", hash[i]);
    return text;
}

std::optional<std::string> sha256_hex(const std::string& digest) {
    constexpr std::string_view prefix = "sha256:";
    if (!digest.starts_with(prefix) || digest.size() != prefix.size() + 64)
        return std::nullopt;
    std::string hex = digest.substr(prefix.size());
    // descriptor.md: the sha256 encoded part is [a-f0-9]{64}.
    if (!std::ranges::all_of(
            hex, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
        return std::nullopt;
    return hex;
}

} // namespace ingot::oci
