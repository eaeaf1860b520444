// Is this file a program Ingot can run: an x86-64 Linux ELF executable, static, static-pie or
// dynamically linked (which then needs its library closure in the image: library_closure.h)?
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ingot {

struct ProgramInfo {
    bool position_independent = false; // static-pie, or a dynamically linked PIE
    std::string interpreter; // PT_INTERP (e.g. /lib64/ld-linux-x86-64.so.2); empty when static
    uint64_t entry = 0;
    uint64_t memory_span = 0; // from the lowest to the highest loaded byte
    bool has_symbols = false;
};

// Throws UserError with a one-line reason (and how to fix it) when it is not.
ProgramInfo check_program(std::span<const uint8_t> bytes, const std::string& name);

// "static", "static-pie", "dynamic, /lib64/ld-linux-x86-64.so.2" or "dynamic PIE, ...".
std::string program_kind(const ProgramInfo& info);

bool is_elf(std::span<const uint8_t> bytes);

} // namespace ingot
