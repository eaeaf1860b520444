#include "image/embedded_kernel.h"

// embedded_kernels.S: each kernel's first and one-past-last byte, then its symbol file's (or two
// nulls); four nulls after the last.
extern "C" const uint8_t* const ingot_embedded_kernels[];

namespace ingot {

std::vector<EmbeddedKernel> embedded_kernels() {
    std::vector<EmbeddedKernel> kernels;
    for (const uint8_t* const* bounds = ingot_embedded_kernels; bounds[0]; bounds += 4) {
        EmbeddedKernel kernel{{bounds[0], bounds[1]}, {}};
        if (bounds[2])
            kernel.symbols = {bounds[2], bounds[3]};
        kernels.push_back(kernel);
    }
    return kernels;
}

} // namespace ingot
