// Packing a program and the files it needs into an image, as `ingot build` and `ingot run
// PROGRAM` both do: --add HOST[:GUEST] and --rootfs DIR.
#pragma once

#include "cli/commands.h"

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

// The program's file on the host: with --rootfs, the guest path `program` inside that tree.
std::string program_host_path(const std::string& program, const FileOptions& files);

// The sealed image; `name` is what messages call it. Throws UserError for bad input,
// including a file system that does not fit the guest memory the manifest gives.
std::vector<uint8_t> pack_program(const std::string& program, const ProgramOptions& options,
                                  const FileOptions& files, const std::string& name);

} // namespace ingot
