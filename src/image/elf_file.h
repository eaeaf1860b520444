// An ELF file in memory, read through libelf.
#pragma once

#include <gelf.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct ElfSymbol {
    uint64_t address;
    uint64_t size;
    std::string name; // as in the file (mangled)
    bool is_function; // STT_FUNC, not an untyped label
};

class ElfFile {
public:
    // Throws UserError when libelf cannot make sense of it.
    ElfFile(std::span<const uint8_t> bytes, const std::string& name);
    ~ElfFile();
    ElfFile(const ElfFile&) = delete;
    ElfFile& operator=(const ElfFile&) = delete;

    const GElf_Ehdr& header() const { return m_header; }
    const std::vector<GElf_Phdr>& program_headers() const { return m_program_headers; }
    bool has_symbol_table() const;
    // The defined symbols of code: functions, and untyped labels in executable sections
    // (assembly entry points). Unsorted; empty when the file has no symbol table.
    std::vector<ElfSymbol> code_symbols() const;
    // A static-pie has DF_1_PIE in its dynamic section; a shared library does not.
    bool is_position_independent_executable() const;
    // The PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY in a PT_NOTE segment, where QEMU and
    // Firecracker look for it): without it they cannot boot the file.
    bool has_pvh_entry_note() const;
    // The names of the dynamic symbols the file imports (undefined in its .dynsym): what it
    // expects another object to define. Empty when it has no dynamic symbol table.
    std::vector<std::string> imported_symbols() const;
    // The contents of the section named `name`, if the file has it (empty for SHT_NOBITS).
    std::optional<std::vector<uint8_t>> section_contents(const std::string& name) const;

private:
    Elf* m_elf = nullptr;
    GElf_Ehdr m_header{};
    std::vector<GElf_Phdr> m_program_headers;
};

} // namespace ingot
