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

struct LinuxStack {
    uint64_t pointer;
    int32_t flags;
    int32_t padding;
    uint64_t size;
};

bool valid_signal(int signal) {
    return signal >= 0 && signal <= signals::count;
}

ErrorOr<long> send_to_thread(int tid, int signal) {
    // Linux's tkill and tgkill: "only valid for single tasks".
    if (tid <= 0)
        return EINVAL;
    if (!valid_signal(signal))
        return EINVAL;
    Thread* target = scheduler::find(static_cast<uint32_t>(tid));
    if (!target)
        return ESRCH;
    if (signal)
        signals::raise(signal, target);
    return 0;
}

} // namespace

ErrorOr<long> sys_rt_sigaction(int signal, UserPointer action, UserPointer old_action,
                               size_t mask_size) {
    if (signal < 1 || signal > signals::count || mask_size != 8)
        return EINVAL;
    if (action && (signal == signals::sigkill || signal == signals::sigstop))
        return EINVAL;
    signals::Action previous = signals::action(signal);
    if (action)
        signals::action(signal) = TRY(read_user<signals::Action>(action.address));
    if (old_action)
        TRY(write_user(old_action.address, previous));
    return 0;
}

ErrorOr<long> sys_rt_sigprocmask(int how, UserPointer user_set, UserPointer old_set,
                                 size_t mask_size) {
    if (mask_size != 8)
        return EINVAL;
    Thread& thread = *scheduler::current();
    uint64_t previous = thread.signal_mask;
    if (user_set) {
        uint64_t set = TRY(read_user<uint64_t>(user_set.address));
        switch (how) {
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
            return EINVAL;
        }
        thread.signal_mask &= ~unblockable;
    }
    if (old_set)
        TRY(write_user(old_set.address, previous));
    return 0;
}

ErrorOr<long> sys_sigaltstack(SyscallFrame& frame, UserPointer stack, UserPointer old_stack) {
    Thread& thread = *scheduler::current();
    LinuxStack previous{thread.alternate_stack, thread.alternate_stack_enabled ? 0 : ss_disable, 0,
                        thread.alternate_stack_size};
    if (thread.alternate_stack_enabled && frame.rsp >= thread.alternate_stack &&
        frame.rsp < thread.alternate_stack + thread.alternate_stack_size)
        previous.flags = ss_onstack;
    if (stack) {
        if (previous.flags == ss_onstack)
            return EPERM;
        auto wanted = TRY(read_user<LinuxStack>(stack.address));
        if (wanted.flags & ss_disable) {
            thread.alternate_stack_enabled = false;
        } else {
            if (wanted.flags != 0)
                return EINVAL;
            if (wanted.size < 2048)
                return ENOMEM;
            thread.alternate_stack = wanted.pointer;
            thread.alternate_stack_size = wanted.size;
            thread.alternate_stack_enabled = true;
        }
    }
    if (old_stack)
        TRY(write_user(old_stack.address, previous));
    return 0;
}

ErrorOr<long> sys_kill(int pid, int signal) {
    if (pid != 1 && pid != 0 && pid != -1)
        return ESRCH;
    if (!valid_signal(signal))
        return EINVAL;
    if (signal)
        signals::raise(signal, nullptr);
    return 0;
}

ErrorOr<long> sys_tgkill(int group, int tid, int signal) {
    if (group <= 0 || tid <= 0)
        return EINVAL;
    if (group != 1)
        return ESRCH;
    return send_to_thread(tid, signal);
}

ErrorOr<long> sys_tkill(int tid, int signal) {
    return send_to_thread(tid, signal);
}

// The value is the interrupted call's result, -errno included, restored as it was.
ErrorOr<long> sys_rt_sigreturn(SyscallFrame& frame) {
    return signals::return_from_handler(frame);
}

ErrorOr<long> sys_rt_sigpending(UserPointer set, size_t) {
    Thread& thread = *scheduler::current();
    return as_syscall_result(write_user(set.address, thread.pending_signals & thread.signal_mask));
}

// The wait ends as interrupted; the delivery on the way out runs the handler.
ErrorOr<long> sys_pause() {
    return signals::wait_for_signal();
}

ErrorOr<long> sys_rt_sigsuspend(UserPointer user_mask, size_t mask_size) {
    if (mask_size != 8)
        return EINVAL;
    Thread& thread = *scheduler::current();
    uint64_t mask = TRY(read_user<uint64_t>(user_mask.address));
    uint64_t previous = thread.signal_mask;
    thread.signal_mask = mask & ~unblockable;
    auto result = signals::wait_for_signal();
    // The handler runs with the temporary mask; the old one returns after it.
    signals::restore_mask_after_delivery(previous);
    return result;
}

} // namespace kernel
