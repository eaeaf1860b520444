// What the dynamic loader reads from a program or shared library before it maps anything
// else: the interpreter (PT_INTERP) and the dynamic section (DT_NEEDED, DT_SONAME, DT_RPATH,
// DT_RUNPATH, DT_FLAGS_1), found through the program headers as ld.so finds them (section
// headers are optional and may be stripped). See elf(5) and the System V gABI, "Dynamic
// Section".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct DynamicInfo {
    std::string interpreter; // PT_INTERP; empty when the file has none
    bool has_dynamic_section = false;
    std::string soname;               // DT_SONAME; empty when absent
    std::vector<std::string> needed;  // DT_NEEDED, in the file's order (ld.so loads in it)
    std::optional<std::string> rpath; // DT_RPATH; dropped when DT_RUNPATH is present, as ld.so does
    std::optional<std::string> runpath; // DT_RUNPATH
    bool no_default_libraries = false;  // DF_1_NODEFLIB: no ld.so.cache, no default directories
};

// Is it a file the x86-64 dynamic loader would map at all: a 64-bit little-endian x86-64 ELF
// executable or shared object? ld.so skips other files found in its search path and goes on
// searching (open_verify in glibc's elf/dl-load.c), so this is not an error.
bool is_loadable_x86_64_elf(std::span<const uint8_t> bytes);

// Throws UserError naming `name` when the program headers or the dynamic section are
// malformed: an interpreter or dynamic section outside the file, no DT_NULL, a string table
// outside the loaded segments, a string offset outside it or without its terminating NUL.
DynamicInfo read_dynamic_info(std::span<const uint8_t> bytes, const std::string& name);

} // namespace ingot
