// The ELF64 structures the loader and the crash report's symbolizer read (freestanding: no
// <elf.h>).
#pragma once

#include <stdint.h>

namespace kernel::elf {

struct Header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, program_header_offset, section_header_offset;
    uint32_t flags;
    uint16_t header_size, program_header_size, program_header_count;
    uint16_t section_header_size, section_header_count, section_name_index;
};

struct ProgramHeader {
    uint32_t type, flags;
    uint64_t offset, virtual_address, physical_address, file_size, memory_size, alignment;
};

struct SectionHeader {
    uint32_t name, type;
    uint64_t flags, address, offset, size;
    uint32_t link, info;
    uint64_t alignment, entry_size;
};

struct Symbol {
    uint32_t name;
    uint8_t info, other;
    uint16_t section;
    uint64_t value, size;
};

inline constexpr uint16_t type_executable = 2;
inline constexpr uint16_t type_shared = 3;
inline constexpr uint16_t machine_x86_64 = 62;
inline constexpr uint32_t segment_load = 1;
inline constexpr uint32_t segment_interpreter = 3;
inline constexpr uint32_t segment_program_headers = 6;
inline constexpr uint32_t segment_tls = 7;
inline constexpr uint32_t segment_eh_frame_header = 0x6474e550; // PT_GNU_EH_FRAME
inline constexpr uint32_t flag_execute = 1;
inline constexpr uint32_t flag_write = 2;
inline constexpr uint32_t flag_read = 4;
inline constexpr uint32_t section_symbol_table = 2;
inline constexpr uint8_t symbol_function = 2; // the low 4 bits of Symbol::info

// An x86-64 ELF file: the magic, the 64-bit class, little-endian data, machine x86-64.
inline bool is_x86_64(const Header& header) {
    return header.ident[0] == 0x7f && header.ident[1] == 'E' && header.ident[2] == 'L' &&
           header.ident[3] == 'F' && header.ident[4] == 2 && header.ident[5] == 1 &&
           header.machine == machine_x86_64;
}

} // namespace kernel::elf
