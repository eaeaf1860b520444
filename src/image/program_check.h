// Is this file a program Ingot can run: a static x86-64 Linux ELF executable?
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ingot {

struct ProgramInfo {
    bool position_independent = false; // static-pie
    uint64_t entry = 0;
    uint64_t memory_span = 0; // from the lowest to the highest loaded byte
    bool has_symbols = false;
};

// Throws UserError with a one-line reason (and how to fix it) when it is not.
ProgramInfo check_program(std::span<const uint8_t> bytes, const std::string& name);

bool is_elf(std::span<const uint8_t> bytes);

} // namespace ingot
