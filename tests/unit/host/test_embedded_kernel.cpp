// The unit tests' stand-in for the kernel the ingot binary embeds (src/image/embedded_kernel.S.in):
// the kernel ELF the build made, read once, so that packing a program (resolve_launch of a
// program target) works in the test binary too.
#include "image/embedded_kernel.h"
#include "test_support.h"

#include <vector>

namespace ingot {

std::span<const uint8_t> embedded_kernel() {
    static const std::vector<uint8_t> kernel = ingot_test::read_file(ingot_test::kernel_elf_path());
    return kernel;
}

} // namespace ingot
