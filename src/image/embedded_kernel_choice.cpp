#include "image/embedded_kernel.h"
#include "image/kernel_components.h"
#include "support/error.h"

namespace ingot {

EmbeddedKernel kernel_with(uint32_t components) {
    for (const EmbeddedKernel& kernel : embedded_kernels())
        if (kernel_components(kernel.elf, "the embedded kernel") == components)
            return kernel;
    fail("ingot carries no kernel with the components {}", component_list(components));
}

} // namespace ingot
