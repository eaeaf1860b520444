// The unit tests' stand-in for the kernels the ingot binary embeds (src/CMakeLists.txt makes
// embedded_kernels.S): the kernel ELFs the build made, read once, so that packing a program
// (resolve_launch of a program target) works in the test binary too.
#include "image/embedded_kernel.h"
#include "test_support.h"

#include <sstream>
#include <string>
#include <vector>

namespace ingot {

std::vector<std::span<const uint8_t>> embedded_kernels() {
    static const std::vector<std::vector<uint8_t>> kernels = [] {
        std::vector<std::vector<uint8_t>> read;
        std::istringstream paths(INGOT_TEST_KERNELS);
        for (std::string path; std::getline(paths, path, ':');)
            read.push_back(ingot_test::read_file(path.c_str()));
        return read;
    }();
    return {kernels.begin(), kernels.end()};
}

} // namespace ingot
