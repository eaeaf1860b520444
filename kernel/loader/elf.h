// The ELF64 structures the loader reads (freestanding: no <elf.h>).
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

inline constexpr uint16_t type_executable = 2;
inline constexpr uint16_t type_shared = 3;
inline constexpr uint16_t machine_x86_64 = 62;
inline constexpr uint32_t segment_load = 1;
inline constexpr uint32_t segment_interpreter = 3;
inline constexpr uint32_t segment_program_headers = 6;
inline constexpr uint32_t segment_tls = 7;
inline constexpr uint32_t flag_execute = 1;
inline constexpr uint32_t flag_write = 2;
inline constexpr uint32_t flag_read = 4;

} // namespace kernel::elf
