// The program's functions, read in place from the ELF symbol table of the program file that
// the payload carries (section headers, .symtab and .strtab are all in guest memory). A
// stripped program, or one whose tables do not fit its file, has none: addresses only.
#pragma once

#include "debug/symbol.h"
#include "loader/elf.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

class ProgramSymbols {
public:
    ProgramSymbols() = default;
    // `load_bias`: where the loader moved a static-pie (0 for a fixed-address program).
    ProgramSymbols(const uint8_t* file, size_t size, uint64_t load_bias);

    // Linear: the table is not sorted, and a report looks up a few dozen addresses at most.
    SymbolMatch lookup(uint64_t address) const;
    bool has_symbols() const { return m_count > 0; }

private:
    const elf::Symbol* m_symbols = nullptr;
    size_t m_count = 0;
    const char* m_names = nullptr;
    size_t m_names_size = 0;
    uint64_t m_load_bias = 0;
};

} // namespace kernel::debug
