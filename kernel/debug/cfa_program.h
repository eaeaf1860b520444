// The row of an FDE's unwind table that applies at one pc: how to find the canonical frame
// address (CFA, the caller's rsp before its call) and where each register of the caller was
// saved. Computed by running the CIE's and then the FDE's call-frame instructions up to pc.
#pragma once

#include "debug/eh_frame.h"

namespace kernel::debug {

// x86-64 DWARF numbering: rax rdx rcx rbx rsi rdi rbp rsp r8-r15, then the return address.
inline constexpr size_t cfi_register_count = 17;
inline constexpr uint16_t cfi_rbx = 3, cfi_rbp = 6, cfi_rsp = 7, cfi_r12 = 12,
                          cfi_return_address = 16;

// A DWARF expression's bytes, inside the section they were read from.
struct CfiExpression {
    const uint8_t* bytes = nullptr;
    size_t size = 0;
};

struct RegisterRule {
    enum class Kind : uint8_t {
        same_value, // the default: callee-saved registers nobody touched
        undefined,  // lost (the outermost frame's return address)
        offset,     // saved at CFA + offset
        val_offset, // is CFA + offset
        in_register,
        expression, // saved at the address the DWARF expression computes
    };
    Kind kind = Kind::same_value;
    int64_t offset = 0;
    uint16_t reg = 0;
    CfiExpression expression;
};

struct CfaRule {
    bool is_expression = false;
    uint16_t reg = cfi_rsp;
    int64_t offset = 0;
    CfiExpression expression;
};

struct UnwindRow {
    CfaRule cfa;
    RegisterRule registers[cfi_register_count];
};

// How deep DW_CFA_remember_state may nest: compilers use one level, a deeper one is corrupt.
inline constexpr size_t max_remembered_rows = 4;

// EINVAL for truncated or inconsistent instructions, ENOTSUP for ones not implemented.
ErrorOr<UnwindRow> unwind_row_at(const Fde& fde, uint64_t pc);

} // namespace kernel::debug
