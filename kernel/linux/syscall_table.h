// The Linux syscall ABI: one handler per number, registered by the files of each family.
#pragma once

#include "arch/x86_64/syscall_frame.h"
#include "lib/error_or.h"
#include "linux/syscall_numbers.h"

#include <stdint.h>

namespace kernel {

using SyscallHandler = long (*)(SyscallFrame& frame);

void register_syscall(uint64_t number, SyscallHandler handler);
void initialize_syscalls(bool trace);

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
void register_time_syscalls();
void register_io_syscalls();
void register_identity_syscalls();
void register_signal_syscalls();
void register_resource_syscalls();
void register_random_syscalls();
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
