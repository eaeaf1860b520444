// The guest kernels, built in the same tree (one for each set of components it offers,
// ingot/abi/components.h) and carried inside the ingot binary, so the tool is one file.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ingot {

struct EmbeddedKernel {
    std::span<const uint8_t> elf; // as an image carries it
    // Where the packer takes the kernel's symbols from when `elf` has none of its own for the
    // payload's copy (a pvh-only kernel with debug): an ELF file of symbols only. Else empty.
    std::span<const uint8_t> symbols;
};

std::vector<EmbeddedKernel> embedded_kernels();

// The embedded kernel with exactly `components` (ingot/abi/components.h); throws UserError when
// there is none.
EmbeddedKernel kernel_with(uint32_t components);

} // namespace ingot
