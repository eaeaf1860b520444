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

std::optional<uint64_t> parse_memory_option(const std::string& text, const char* option);

} // namespace ingot
