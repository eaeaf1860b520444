// Packing a program and the files it needs into an image, as `ingot build` and `ingot run
// PROGRAM` both do: --add HOST[:GUEST] and --rootfs DIR.
#pragma once

#include "cli/commands.h"
#include "image/kernel_components.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ingot {

struct FileOptions {
    std::vector<std::string> added; // --add HOST[:GUEST]
    std::string rootfs;             // --rootfs DIR: the program is then a path inside it

    bool any() const { return !added.empty() || !rootfs.empty(); }
};
void add_file_options(CLI::App& command, FileOptions& files);

// --with and --without NAME[,NAME...] (ComponentOptions' lists).
void add_component_options(CLI::App& command, ComponentOptions& components);

// The program's file on the host: with --rootfs, the guest path `program` inside that tree.
std::string program_host_path(const std::string& program, const FileOptions& files);

// The sealed image, with the kernel of the components the program can use as `components`
// changes them; `name` is what messages call it. Throws UserError for bad input, including a
// file system that does not fit the guest memory the manifest gives.
std::vector<uint8_t> pack_program(const std::string& program, const ProgramOptions& options,
                                  const FileOptions& files, const ComponentOptions& components,
                                  const std::string& name);

} // namespace ingot
