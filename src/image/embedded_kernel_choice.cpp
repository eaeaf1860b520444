#include "image/embedded_kernel.h"
#include "image/kernel_components.h"
#include "support/error.h"

namespace ingot {

std::span<const uint8_t> kernel_with(uint32_t components) {
    for (std::span<const uint8_t> kernel : embedded_kernels())
        if (kernel_components(kernel, "the embedded kernel") == components)
            return kernel;
    fail("ingot carries no kernel with the components {}", component_list(components));
}

} // namespace ingot
