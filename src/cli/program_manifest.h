#pragma once

#include "cli/commands.h"
#include "image/manifest.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ingot {

// The manifest `ingot build` stores (and `ingot run PROGRAM` uses): argv[0] is the program's
// file name, then the given arguments; sizes parsed and checked.
Manifest program_manifest(const std::string& program_path, const ProgramOptions& options);

// What a size without a unit means: `--mem 64` is 64 MiB, as QEMU's `-m 64`.
enum class BareNumber { bytes, mebibytes };
std::optional<uint64_t> parse_memory_option(const std::string& text, const char* option,
                                            BareNumber bare);

} // namespace ingot
