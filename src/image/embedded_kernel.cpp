#include "image/embedded_kernel.h"

// embedded_kernels.S: each kernel's first and one-past-last byte, then two nulls.
extern "C" const uint8_t* const ingot_embedded_kernels[];

namespace ingot {

std::vector<std::span<const uint8_t>> embedded_kernels() {
    std::vector<std::span<const uint8_t>> kernels;
    for (const uint8_t* const* bounds = ingot_embedded_kernels; bounds[0]; bounds += 2)
        kernels.emplace_back(bounds[0], bounds[1]);
    return kernels;
}

} // namespace ingot
