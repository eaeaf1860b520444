// strace-like lines for --trace-syscalls: the pieces the dispatcher puts together, one per
// argument type of syscall_arguments.h.
#pragma once

#include "arch/x86_64/syscall_frame.h"
#include "lib/format.h"
#include "linux/syscall_arguments.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

// Argument `index` of a call (a separator before all but the first). `next` is the register
// after it: a socket address's length.
void trace_argument(FormatBuffer& line, size_t index, int value, uint64_t next);
void trace_argument(FormatBuffer& line, size_t index, long value, uint64_t next);
void trace_argument(FormatBuffer& line, size_t index, unsigned value, uint64_t next);
void trace_argument(FormatBuffer& line, size_t index, unsigned long value, uint64_t next);
void trace_argument(FormatBuffer& line, size_t index, UserPointer value, uint64_t next);
void trace_argument(FormatBuffer& line, size_t index, UserString value, uint64_t next);
void trace_argument(FormatBuffer& line, size_t index, UserSocketAddress value, uint64_t next);

// The arguments of a call the kernel does not implement: all six registers, as numbers.
void trace_raw_arguments(FormatBuffer& line, const SyscallFrame& frame);
// ") = value", ") = -1 ENAME", or ") = ?" (null: the call does not return).
void trace_result(FormatBuffer& line, const long* result);

} // namespace kernel
