// strace-like lines for --trace-syscalls: name, decoded arguments, result.
#pragma once

#include "arch/x86_64/syscall_frame.h"

#include <stdint.h>

namespace kernel {

void trace_syscall(uint32_t tid, uint64_t number, const SyscallFrame& arguments, long result);
// For calls that do not return (exit, exit_group): "= ?" as strace prints.
void trace_syscall_entry(uint32_t tid, uint64_t number, const SyscallFrame& arguments);

} // namespace kernel
