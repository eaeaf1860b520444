// The Linux syscall ABI: the handlers of syscall_list.h, declared from it.
#pragma once

#include "arch/x86_64/syscall_frame.h"
#include "lib/error_or.h"
#include "linux/syscall_arguments.h"
#include "linux/syscall_list.h"
#include "linux/syscall_numbers.h"

#include <stdint.h>

namespace kernel {

#define DECLARE_SYSCALL_HANDLER(number, name, parameters) ErrorOr<long> sys_##name parameters;
#define NO_SYSCALL_HANDLER(number, name)
ENUMERATE_SYSCALLS(DECLARE_SYSCALL_HANDLER, NO_SYSCALL_HANDLER)
#undef DECLARE_SYSCALL_HANDLER
#undef NO_SYSCALL_HANDLER

// Whether --trace-syscalls asked for a line per call (linux/syscall_trace.h).
void initialize_syscalls(bool trace);

// A call's argument registers in the ABI's order, and a zero after them for an argument whose
// trace reads the next one (a socket address's length).
struct ArgumentRegisters {
    uint64_t values[7];
    explicit ArgumentRegisters(const SyscallFrame& frame)
        : values{frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9, 0} {}
};

// ErrorOr<T> as an ErrorOr<long>, for handlers returning what another function computed.
template <typename T> ErrorOr<long> as_syscall_result(ErrorOr<T> result) {
    if (result.is_error())
        return result.error();
    return static_cast<long>(result.value());
}
inline ErrorOr<long> as_syscall_result(ErrorOr<void> result) {
    if (result.is_error())
        return result.error();
    return 0L;
}

} // namespace kernel
