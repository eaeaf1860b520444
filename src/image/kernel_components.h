// Which of the kernel's optional components (ingot/abi/components.h) an image carries: what its
// program can use, found in the symbols of the program and of the libraries it loads, changed
// by --with and --without, on the platforms it is built for; then the one embedded kernel
// linked with exactly those.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct ComponentOptions {
    std::vector<std::string> with;    // --with NAME[,NAME...]
    std::vector<std::string> without; // --without NAME[,NAME...]
    uint32_t platforms = 0;           // abi::component_hvt and/or component_pvh
};

// The components a program can use: `program` and the ELF files of its library closure (host
// paths; files that are not ELF are skipped). A program that imports or defines a socket
// function can use the network, as can a static program without symbols that has a socket(2)
// or socketpair(2) syscall site; one that imports or defines a path function (open, fopen,
// stat, mkdir, ...) can use volumes, as can every static program without symbols.
uint32_t components_used(std::span<const uint8_t> program,
                         const std::vector<std::string>& library_paths);

// What the image gets: what it uses, and debug, changed by --with and --without, on the
// platforms asked for (both when none is). Throws UserError for a name that is no optional
// component, one named by both --with and --without, or --without for every platform.
uint32_t choose_components(uint32_t used, const ComponentOptions& options);

// The components a kernel (or an image, which starts with its kernel) was linked with: its
// .ingot_components section. Throws UserError naming `name` when it is not a kernel.
uint32_t kernel_components(std::span<const uint8_t> kernel_elf, const std::string& name);

// "net, hvt, pvh"; "none" for no component.
std::string component_list(uint32_t components);

} // namespace ingot
