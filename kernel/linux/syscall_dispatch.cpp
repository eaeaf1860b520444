// The C++ side of the syscall entry: look up the handler, run it, trace it.
#include "lib/log.h"
#include "linux/signals.h"
#include "linux/syscall_names.h"
#include "linux/syscall_table.h"
#include "linux/syscall_trace.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

SyscallHandler handlers[syscall_count];
uint64_t reported_unknown[syscall_count / 64];
bool tracing;

// Calls Linux never restarts after a handler, SA_RESTART or not: they report EINTR.
bool is_never_restarted(uint64_t number) {
    switch (number) {
    case nr::pause:
    case nr::rt_sigsuspend:
    case nr::nanosleep:
    case nr::clock_nanosleep:
    case nr::poll:
    case nr::ppoll:
    case nr::select:
    case nr::pselect6:
    case nr::epoll_wait:
    case nr::epoll_pwait:
    case nr::epoll_pwait2:
    case nr::rt_sigtimedwait:
        return true;
    default:
        return false;
    }
}

long unimplemented(uint64_t number) {
    uint64_t bit = 1ull << (number % 64);
    uint64_t& word = reported_unknown[(number / 64) % (syscall_count / 64)];
    if (!(word & bit)) {
        word |= bit;
        klog("syscall %lu (%s) is not implemented: returning ENOSYS", number, syscall_name(number));
    }
    return -ENOSYS;
}

} // namespace

void register_syscall(uint64_t number, SyscallHandler handler) {
    handlers[number] = handler;
}

void initialize_syscalls(bool trace) {
    tracing = trace;
    register_memory_syscalls();
    register_thread_syscalls();
    register_futex_syscalls();
    register_time_syscalls();
    register_io_syscalls();
    register_identity_syscalls();
    register_signal_syscalls();
    register_resource_syscalls();
    register_random_syscalls();
    register_pipe_syscalls();
    register_poll_syscalls();
    register_epoll_syscalls();
    register_socket_syscalls();
}

} // namespace kernel

// Returns null to return to the program through the syscall return, or the registers to
// restore through the interrupt return (after rt_sigreturn).
extern "C" kernel::InterruptFrame* syscall_dispatch(kernel::SyscallFrame* frame) {
    using namespace kernel;
    // A thread that never blocks still gives up the CPU when its slice is over.
    scheduler::preempt_if_slice_over();
    uint64_t number = frame->rax;
    SyscallFrame arguments = *frame;
    // These never return: trace them on the way in.
    if (tracing && (number == nr::exit || number == nr::exit_group))
        trace_syscall_entry(scheduler::current()->tid, number, arguments);
    long result;
    if (number < syscall_count && handlers[number])
        result = handlers[number](*frame);
    else
        result = unimplemented(number);
    frame->rax = static_cast<uint64_t>(result);
    if (tracing)
        trace_syscall(scheduler::current()->tid, number, arguments, result);
    if (InterruptFrame* full = signals::take_full_return()) {
        signals::deliver_pending(*full);
        return full;
    }
    bool restartable = result == -EINTR && !is_never_restarted(number);
    signals::deliver_pending(*frame, restartable ? static_cast<long>(number) : -1);
    return nullptr;
}
