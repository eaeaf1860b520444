// Maps an x86-64 ELF (ET_EXEC, or ET_DYN: static-pie or PIE) into the address space. Read-only
// pages are mapped where the payload already holds them in guest memory: no copy, no extra RAM.
// A dynamically linked program names its interpreter (PT_INTERP), which the caller loads
// (loader/interpreter_loader.h).
#pragma once

#include "lib/error_or.h"
#include "mm/address_space.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct LoadedProgram {
    uint64_t entry;
    uint64_t program_headers; // where they are in the program's memory (AT_PHDR)
    uint16_t program_header_count;
    uint64_t load_bias;
    uint64_t end;        // page after the highest segment: the program break starts there
    size_t shared_pages; // mapped in place
    size_t copied_pages;
    const char* interpreter; // PT_INTERP's path, NUL-terminated, in the image; null if none
};

inline constexpr uint64_t static_pie_base = 0x555555554000;

// The address-space protection a PT_LOAD segment's p_flags ask for (PF_R, PF_W, PF_X).
uint32_t segment_protection(uint32_t flags);

ErrorOr<LoadedProgram> load_program(const uint8_t* image, size_t size, PhysicalAddress physical,
                                    AddressSpace& space, FrameAllocator& frames);

} // namespace kernel
