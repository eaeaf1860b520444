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

void initialize_syscalls(bool trace);

// Handlers not yet declared in syscall_list.h decode their own registers and return -errno.
using SyscallHandler = long (*)(SyscallFrame& frame);
void register_syscall(uint64_t number, SyscallHandler handler);

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

// Handlers return a value or -errno, as the ABI does.
template <typename T> long to_syscall_result(ErrorOr<T> result) {
    if (result.is_error())
        return -static_cast<long>(result.error().code());
    return static_cast<long>(result.value());
}
inline long to_syscall_result(ErrorOr<void> result) {
    return result.is_error() ? -static_cast<long>(result.error().code()) : 0;
}

void register_memory_syscalls();
void register_thread_syscalls();
void register_futex_syscalls();
void register_io_syscalls();
void register_identity_syscalls();
void register_signal_syscalls();
void register_resource_syscalls();
void register_pipe_syscalls();
void register_poll_syscalls();
void register_epoll_syscalls();
void register_socket_syscalls();

} // namespace kernel

// TRY for syscall handlers, which return -errno rather than an ErrorOr.
#define TRY_SYSCALL(expression)                                                                    \
    ({                                                                                             \
        auto _result = (expression);                                                               \
        if (_result.is_error())                                                                    \
            return -static_cast<long>(_result.error().code());                                     \
        _result.release_value();                                                                   \
    })
