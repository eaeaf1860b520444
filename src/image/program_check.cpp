#include "image/program_check.h"

#include "image/dynamic_info.h"
#include "image/elf_file.h"
#include "support/error.h"

#include <elf.h>

#include <cstring>

namespace ingot {

bool is_elf(std::span<const uint8_t> bytes) {
    return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

ProgramInfo check_program(std::span<const uint8_t> bytes, const std::string& name) {
    if (!is_elf(bytes))
        fail("'{}' is not an ELF executable: Ingot runs x86-64 Linux programs", name);
    if (bytes.size() > EI_CLASS && bytes[EI_CLASS] == ELFCLASS32)
        fail("'{}' is a 32-bit program: Ingot runs 64-bit x86-64 programs (build without -m32)",
             name);
    ElfFile elf(bytes, name);
    const GElf_Ehdr& header = elf.header();
    if (header.e_machine != EM_X86_64)
        fail("'{}' is built for another architecture (ELF machine {}), not x86-64", name,
             header.e_machine);
    if (header.e_type != ET_EXEC && header.e_type != ET_DYN)
        fail("'{}' is not an executable program (ELF type {})", name, header.e_type);

    ProgramInfo info;
    info.entry = header.e_entry;
    uint64_t lowest = UINT64_MAX, highest = 0;
    bool entry_is_code = false;
    bool has_dynamic = false;
    for (const GElf_Phdr& segment : elf.program_headers()) {
        if (segment.p_type == PT_DYNAMIC)
            has_dynamic = true;
        if (segment.p_type != PT_LOAD || segment.p_memsz == 0)
            continue;
        if (segment.p_offset > bytes.size() || segment.p_filesz > bytes.size() - segment.p_offset ||
            segment.p_filesz > segment.p_memsz ||
            segment.p_vaddr + segment.p_memsz < segment.p_vaddr)
            fail("'{}' is a malformed ELF: a segment lies outside the file", name);
        lowest = std::min<uint64_t>(lowest, segment.p_vaddr);
        highest = std::max<uint64_t>(highest, segment.p_vaddr + segment.p_memsz);
        if ((segment.p_flags & PF_X) && header.e_entry >= segment.p_vaddr &&
            header.e_entry < segment.p_vaddr + segment.p_memsz)
            entry_is_code = true;
    }
    // The interpreter path is checked here (inside the file, a string); whether the file it
    // names exists is the library closure's concern.
    info.interpreter = read_dynamic_info(bytes, name).interpreter;
    if (header.e_type == ET_DYN) {
        // A PIE linked before binutils 2.26 has no DF_1_PIE, but only programs have PT_INTERP.
        if (!has_dynamic || (info.interpreter.empty() && !elf.is_position_independent_executable()))
            fail("'{}' is a shared library, not a program", name);
        info.position_independent = true;
    }
    if (highest == 0)
        fail("'{}' is a malformed ELF: nothing to load", name);
    if (!entry_is_code)
        fail("'{}' is a malformed ELF: its entry point is not in executable code", name);
    if (header.e_type == ET_EXEC && lowest < 0x10000)
        fail("'{}' wants to load below 64 KiB (at {:#x}), which the unikernel keeps unmapped", name,
             lowest);
    if (highest - lowest > (1ull << 40))
        fail("'{}' is a malformed ELF: its segments span more than 1 TiB", name);
    info.memory_span = highest - lowest;
    info.has_symbols = elf.has_symbol_table();
    return info;
}

std::string program_kind(const ProgramInfo& info) {
    if (info.interpreter.empty())
        return info.position_independent ? "static-pie" : "static";
    return fmt::format("{}, {}", info.position_independent ? "dynamic PIE" : "dynamic",
                       info.interpreter);
}

} // namespace ingot
