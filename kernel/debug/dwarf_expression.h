// The few DWARF expression operations glibc's CFI uses (its PLT entries' CFA, its signal
// trampoline's saved registers): register plus offset, constants, arithmetic, dereference.
// Anything else is ENOTSUP, and the backtrace ends there.
#pragma once

#include "debug/cfa_program.h"
#include "debug/memory_probe.h"
#include "debug/unwind_registers.h"

namespace kernel::debug {

ErrorOr<uint64_t> evaluate_dwarf_expression(const CfiExpression& expression,
                                            const UnwindRegisters& registers,
                                            const MemoryProbe& memory);

// A 64-bit read of the stack the probe allows; EFAULT otherwise.
ErrorOr<uint64_t> read_stack_word(uint64_t address, const MemoryProbe& memory);

} // namespace kernel::debug
