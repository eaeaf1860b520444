// Addresses as the crash report names them: "name+0x1c" from the program's symbols,
// "name+0x1c [kernel]" from the kernel's, "??" when no function covers the address: the words
// of the hvt monitor's report, without its source lines (the guest has no DWARF).
#pragma once

#include "debug/kernel_symbols.h"
#include "debug/program_symbols.h"
#include "lib/format.h"

#include <stdint.h>

namespace kernel::debug {

class Symbolizer {
public:
    // [kernel_start, kernel_end): the kernel's image (__kernel_start, __kernel_end).
    Symbolizer(const KernelSymbols& kernel, const ProgramSymbols& program, uint64_t kernel_start,
               uint64_t kernel_end)
        : m_kernel(kernel), m_program(program), m_kernel_start(kernel_start),
          m_kernel_end(kernel_end) {}

    bool is_kernel_address(uint64_t address) const {
        return address >= m_kernel_start && address < m_kernel_end;
    }
    void describe(uint64_t address, FormatBuffer& out) const;

private:
    KernelSymbols m_kernel;
    ProgramSymbols m_program;
    uint64_t m_kernel_start;
    uint64_t m_kernel_end;
};

} // namespace kernel::debug
