// The signal syscalls over linux/signals: dispositions, per-thread masks, alternate stacks,
// sending, and returning from handlers.
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

using signals::bit;

constexpr uint64_t unblockable = bit(signals::sigkill) | bit(signals::sigstop);
constexpr int ss_onstack = 1, ss_disable = 2;

long sys_rt_sigaction(SyscallFrame& f) {
    int signal = static_cast<int>(f.rdi);
    if (signal < 1 || signal > signals::count || f.r10 != 8)
        return -EINVAL;
    if (f.rsi && (signal == signals::sigkill || signal == signals::sigstop))
        return -EINVAL;
    signals::Action previous = signals::action(signal);
    if (f.rsi)
        signals::action(signal) = TRY_SYSCALL(read_user<signals::Action>(f.rsi));
    if (f.rdx)
        TRY_SYSCALL(write_user(f.rdx, previous));
    return 0;
}

long sys_rt_sigprocmask(SyscallFrame& f) {
    if (f.r10 != 8)
        return -EINVAL;
    Thread& thread = *scheduler::current();
    uint64_t previous = thread.signal_mask;
    if (f.rsi) {
        uint64_t set = TRY_SYSCALL(read_user<uint64_t>(f.rsi));
        switch (f.rdi) {
        case 0: // SIG_BLOCK
            thread.signal_mask |= set;
            break;
        case 1: // SIG_UNBLOCK
            thread.signal_mask &= ~set;
            break;
        case 2: // SIG_SETMASK
            thread.signal_mask = set;
            break;
        default:
            return -EINVAL;
        }
        thread.signal_mask &= ~unblockable;
    }
    if (f.rdx)
        TRY_SYSCALL(write_user(f.rdx, previous));
    return 0;
}

struct LinuxStack {
    uint64_t pointer;
    int32_t flags;
    int32_t padding;
    uint64_t size;
};

long sys_sigaltstack(SyscallFrame& f) {
    Thread& thread = *scheduler::current();
    LinuxStack previous{thread.alternate_stack, thread.alternate_stack_enabled ? 0 : ss_disable, 0,
                        thread.alternate_stack_size};
    if (thread.alternate_stack_enabled && f.rsp >= thread.alternate_stack &&
        f.rsp < thread.alternate_stack + thread.alternate_stack_size)
        previous.flags = ss_onstack;
    if (f.rdi) {
        if (previous.flags == ss_onstack)
            return -EPERM;
        auto wanted = TRY_SYSCALL(read_user<LinuxStack>(f.rdi));
        if (wanted.flags & ss_disable) {
            thread.alternate_stack_enabled = false;
        } else {
            if (wanted.flags != 0)
                return -EINVAL;
            if (wanted.size < 2048)
                return -ENOMEM;
            thread.alternate_stack = wanted.pointer;
            thread.alternate_stack_size = wanted.size;
            thread.alternate_stack_enabled = true;
        }
    }
    if (f.rsi)
        TRY_SYSCALL(write_user(f.rsi, previous));
    return 0;
}

bool valid_signal(int signal) {
    return signal >= 0 && signal <= signals::count;
}

long sys_kill(SyscallFrame& f) {
    auto pid = static_cast<int32_t>(f.rdi);
    int signal = static_cast<int>(f.rsi);
    if (pid != 1 && pid != 0 && pid != -1)
        return -ESRCH;
    if (!valid_signal(signal))
        return -EINVAL;
    if (signal)
        signals::raise(signal, nullptr);
    return 0;
}

long send_to_thread(uint32_t tid, int signal) {
    if (!valid_signal(signal))
        return -EINVAL;
    Thread* target = scheduler::find(tid);
    if (!target)
        return -ESRCH;
    if (signal)
        signals::raise(signal, target);
    return 0;
}

long sys_tgkill(SyscallFrame& f) {
    if (static_cast<int32_t>(f.rdi) != 1)
        return -ESRCH;
    return send_to_thread(static_cast<uint32_t>(f.rsi), static_cast<int>(f.rdx));
}

long sys_tkill(SyscallFrame& f) {
    return send_to_thread(static_cast<uint32_t>(f.rdi), static_cast<int>(f.rsi));
}

long sys_rt_sigreturn(SyscallFrame& f) {
    return signals::return_from_handler(f);
}

long sys_rt_sigpending(SyscallFrame& f) {
    Thread& thread = *scheduler::current();
    return to_syscall_result(write_user(f.rdi, thread.pending_signals & thread.signal_mask));
}

// The wait ends as interrupted; the delivery on the way out runs the handler.
long sys_pause(SyscallFrame&) {
    return signals::wait_for_signal();
}

long sys_rt_sigsuspend(SyscallFrame& f) {
    if (f.rsi != 8)
        return -EINVAL;
    Thread& thread = *scheduler::current();
    uint64_t mask = TRY_SYSCALL(read_user<uint64_t>(f.rdi));
    uint64_t previous = thread.signal_mask;
    thread.signal_mask = mask & ~unblockable;
    long result = signals::wait_for_signal();
    // The handler runs with the temporary mask; the old one returns after it.
    signals::restore_mask_after_delivery(previous);
    return result;
}

} // namespace

void register_signal_syscalls() {
    register_syscall(nr::rt_sigaction, sys_rt_sigaction);
    register_syscall(nr::rt_sigprocmask, sys_rt_sigprocmask);
    register_syscall(nr::sigaltstack, sys_sigaltstack);
    register_syscall(nr::kill, sys_kill);
    register_syscall(nr::tgkill, sys_tgkill);
    register_syscall(nr::tkill, sys_tkill);
    register_syscall(nr::rt_sigreturn, sys_rt_sigreturn);
    register_syscall(nr::rt_sigpending, sys_rt_sigpending);
    register_syscall(nr::pause, sys_pause);
    register_syscall(nr::rt_sigsuspend, sys_rt_sigsuspend);
}

} // namespace kernel
