// The guest kernel, built in the same tree and carried inside the ingot binary, so the tool
// is one file.
#pragma once

#include <cstdint>
#include <span>

namespace ingot {

std::span<const uint8_t> embedded_kernel();

} // namespace ingot
