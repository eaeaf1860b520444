// The guest kernels, built in the same tree (one for each set of components it offers,
// ingot/abi/components.h) and carried inside the ingot binary, so the tool is one file.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ingot {

std::vector<std::span<const uint8_t>> embedded_kernels();

// The embedded kernel with exactly `components` (ingot/abi/components.h); throws UserError when
// there is none.
std::span<const uint8_t> kernel_with(uint32_t components);

} // namespace ingot
