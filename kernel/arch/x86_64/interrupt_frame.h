// What interrupt_entry.S saves for every vector, lowest address first.
#pragma once

#include <stdint.h>

namespace kernel {

struct InterruptFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code; // 0 for vectors without one
    // Pushed by the CPU.
    uint64_t rip, cs, rflags, rsp, ss;
};

static_assert(sizeof(InterruptFrame) == 22 * 8);

} // namespace kernel
