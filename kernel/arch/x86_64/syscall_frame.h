// The program's registers as the syscall entry saved them, in push order reversed.
#pragma once

#include <stdint.h>

namespace kernel {

struct SyscallFrame {
    uint64_t r15, r14, r13, r12;
    uint64_t r11; // the program's RFLAGS
    uint64_t r10, r9, r8, rbp, rdi, rsi, rdx;
    uint64_t rcx; // the program's RIP after the syscall instruction
    uint64_t rbx, rax;
    uint64_t rsp; // the program's stack pointer
};

static_assert(sizeof(SyscallFrame) == 16 * 8);

} // namespace kernel
