// What the waiting calls (poll, select, epoll_wait and their p- variants) take besides their
// files: a timeout, and a signal mask to wait with.
#pragma once

#include "linux/signals.h"
#include "linux/timespec.h"
#include "sched/scheduler.h"

namespace kernel {

// How long a call may wait: not at all, until a monotonic deadline, or without limit.
struct WaitLimit {
    bool immediate = false;
    uint64_t deadline_ns = scheduler::no_deadline;

    static WaitLimit forever() { return {}; }
    static WaitLimit after_ns(uint64_t ns) {
        if (ns == 0)
            return {true, scheduler::no_deadline};
        uint64_t deadline = clock::monotonic_ns() + ns;
        return {false, deadline ? deadline : 1};
    }
    // poll(2), epoll_wait(2): milliseconds, negative for no limit.
    static WaitLimit from_milliseconds(int milliseconds) {
        if (milliseconds < 0)
            return forever();
        return after_ns(static_cast<uint64_t>(milliseconds) * 1000000);
    }
    // Time left, for the calls that report it back.
    uint64_t remaining_ns() const {
        if (immediate || deadline_ns == scheduler::no_deadline)
            return 0;
        uint64_t now = clock::monotonic_ns();
        return deadline_ns > now ? deadline_ns - now : 0;
    }
};

// A struct timespec timeout, null for no limit.
inline ErrorOr<WaitLimit> wait_limit_from_timespec(uint64_t user_timespec) {
    if (!user_timespec)
        return WaitLimit::forever();
    return WaitLimit::after_ns(TRY(timespec_to_ns(user_timespec)));
}

// ppoll, pselect6, epoll_pwait: the given mask replaces the thread's for the call. When a
// signal ends the call, its handler runs with that mask and the old one returns after it, as
// with sigsuspend.
class TemporarySignalMask {
public:
    TemporarySignalMask() = default;
    TemporarySignalMask(const TemporarySignalMask&) = delete;
    TemporarySignalMask& operator=(const TemporarySignalMask&) = delete;
    ~TemporarySignalMask() {
        if (m_active)
            signals::restore_mask_after_delivery(m_previous);
    }

    // A null mask leaves the thread's as it is; EINVAL unless `size` is that of a sigset_t.
    ErrorOr<void> apply(uint64_t user_mask, uint64_t size) {
        if (!user_mask)
            return {};
        if (size != sizeof(uint64_t))
            return EINVAL;
        uint64_t mask = TRY(read_user<uint64_t>(user_mask));
        Thread& thread = *scheduler::current();
        m_previous = thread.signal_mask;
        m_active = true;
        thread.signal_mask =
            mask & ~(signals::bit(signals::sigkill) | signals::bit(signals::sigstop));
        return {};
    }

private:
    uint64_t m_previous = 0;
    bool m_active = false;
};

} // namespace kernel
