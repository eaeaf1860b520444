// The unit tests' stand-in for the kernels the ingot binary embeds (src/CMakeLists.txt makes
// embedded_kernels.S): the files it embeds, each KERNEL.image.elf with its KERNEL.symbols.elf
// where the build made one, read once, so that packing a program (resolve_launch of a program
// target) works in the test binary too.
#include "image/embedded_kernel.h"
#include "test_support.h"

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace ingot {

std::vector<EmbeddedKernel> embedded_kernels() {
    struct Files {
        std::vector<uint8_t> elf, symbols;
    };
    static const std::vector<Files> files = [] {
        std::vector<Files> read;
        std::istringstream paths(INGOT_TEST_KERNELS);
        for (std::string path; std::getline(paths, path, ':');) {
            std::string symbols = path.substr(0, path.rfind(".image.elf")) + ".symbols.elf";
            read.push_back({ingot_test::read_file(path), std::filesystem::exists(symbols)
                                                             ? ingot_test::read_file(symbols)
                                                             : std::vector<uint8_t>{}});
        }
        return read;
    }();
    std::vector<EmbeddedKernel> kernels;
    for (const Files& kernel : files)
        kernels.push_back({kernel.elf, kernel.symbols});
    return kernels;
}

} // namespace ingot
