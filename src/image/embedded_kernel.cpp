#include "image/embedded_kernel.h"

extern "C" const uint8_t ingot_embedded_kernel_start[];
extern "C" const uint8_t ingot_embedded_kernel_end[];

namespace ingot {

std::span<const uint8_t> embedded_kernel() {
    return {ingot_embedded_kernel_start, ingot_embedded_kernel_end};
}

} // namespace ingot
