// Content addresses of an OCI image's blobs (descriptor.md, "Digests"): SHA-256 only, the one
// algorithm the spec requires implementations to support.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ingot::oci {

// "sha256:" and 64 lowercase hex digits.
std::string sha256_digest(std::span<const uint8_t> bytes);

// The 64 hex digits of a well-formed "sha256:<hex>" digest; nothing for any other algorithm or
// a malformed one (which would otherwise name a path outside blobs/sha256).
std::optional<std::string> sha256_hex(const std::string& digest);

} // namespace ingot::oci
