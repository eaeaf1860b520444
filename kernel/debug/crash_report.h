// The crash report a guest prints itself on platforms where exceptions reach it (pvh), in the
// lines the hvt monitor prints from the host (src/vmm/crash_report.cpp):
//
//   ingot: the program crashed: segmentation fault: null pointer dereference (write to 0x0)
//   ingot:   at 0x401136 main+0x10
//   ingot: backtrace:
//   ingot:   #0  0x0000000000401136 main+0x10
//   ingot:   #1  0x0000000000401a24 __libc_start_call_main+0x63
//   ingot: registers:
//   ingot:    rip 0x0000000000401136     rsp 0x00007ffffffefe30  ...
//
// without the monitor's source lines (the guest has no DWARF) and with "the kernel crashed"
// when the fault is in the kernel's own code. Plain logic: the caller supplies the symbols,
// a memory probe and where the lines go.
#pragma once

#include "debug/eh_frame.h"
#include "debug/memory_probe.h"
#include "debug/symbolizer.h"
#include "lib/utility.h"

#include <ingot/abi/hypercall.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

struct Registers {
    uint64_t rip, rsp, rbp, rflags;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
};

// What the exception entry saw.
struct ExceptionState {
    uint8_t vector;
    uint64_t error_code; // 0 for vectors that push none
    uint64_t cr2;        // the address a page fault was about
    Registers registers;
    bool in_kernel; // rip within [__kernel_start, __kernel_end)
    // The lowest address of the stack the faulting code ran on, 0 when unknown: a fault in the
    // page below it is reported as a stack overflow (see ingot/fault_classification.h).
    uint64_t stack_lowest;
};

// Receives the report one line at a time, each ending in '\n'.
struct LineSink {
    void (*write)(void* context, const char* line, size_t length);
    void* context;
};

struct ReportContext {
    const Symbolizer& symbols;
    const EhFrame& program_cfi; // how the backtrace follows the program's frames; may be absent
    const MemoryProbe& memory;  // guards the reads of the stack and of the faulting instruction
    LineSink output;
};

// Returns the signal the program dies of: the kernel exits with 128 + it, as hvt does.
int report_exception(const ExceptionState& state, const ReportContext& context);

// A fatal signal the kernel raised on the program (abort(), a kill whose default action dumps
// core): what platform::crash receives.
void report_signal(const abi::CrashArgs& crash, const ReportContext& context);

} // namespace kernel::debug
