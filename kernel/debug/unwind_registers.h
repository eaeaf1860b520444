// The registers a backtrace follows from frame to frame, by DWARF number (see cfa_program.h):
// the faulting frame knows them all; a caller frame only those the CFI could recover.
#pragma once

#include "debug/cfa_program.h"

namespace kernel::debug {

struct UnwindRegisters {
    uint64_t values[cfi_register_count] = {}; // [cfi_return_address] holds the frame's rip
    uint32_t known = 0;                       // bit n: values[n] is meaningful

    bool is_known(size_t reg) const { return reg < cfi_register_count && (known >> reg) & 1; }
    void set(size_t reg, uint64_t value) {
        values[reg] = value;
        known |= 1u << reg;
    }
    void forget(size_t reg) { known &= ~(1u << reg); }
    uint64_t rip() const { return values[cfi_return_address]; }
    uint64_t rsp() const { return values[cfi_rsp]; }
    uint64_t rbp() const { return values[cfi_rbp]; }
};

} // namespace kernel::debug
