// --trace-syscalls: a strace-like line for each call, in the kernel log. The debug component
// (abi::component_debug) has the tracer; a kernel without it has none (components/
// without_debug.cpp).
#pragma once

#include "arch/x86_64/syscall_frame.h"

#include <stdint.h>

namespace kernel {

struct SyscallTracer {
    // Call `number` of thread `tid`, with the arguments it was made with: "[tid] name(args) =
    // result" (result null: the call does not return, traced on the way in).
    void (*trace)(uint32_t tid, uint64_t number, const SyscallFrame& arguments, const long* result);
};

// Null when the kernel was built without the debug component.
const SyscallTracer* syscall_tracer();

} // namespace kernel
