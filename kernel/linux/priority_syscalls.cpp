// getpriority(2) and setpriority(2): each thread's nice value, as Linux keeps it (per thread,
// inherited by the threads it creates), and sched_getscheduler(2)/sched_getparam(2). The
// round-robin scheduler gives every thread the same share whatever its nice value: the values
// are kept for the program to read back, as a program that lowers its priority expects.
// Every thread is SCHED_OTHER with static priority 0.
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int prio_process = 0, prio_pgrp = 1, prio_user = 2;
constexpr int nice_minimum = -20, nice_maximum = 19;
constexpr int program_pid = 1; // getpid's answer: the program is process 1, group 1
constexpr uint32_t program_uid = 0;
constexpr int sched_other = 0;

// The threads `which` and `who` name, visited; ESRCH when there are none. The program's
// threads all belong to process group 1 and user 0; PRIO_PROCESS names one thread.
template <typename Visit> ErrorOr<void> for_each_named(int which, int who, Visit visit) {
    if (which == prio_process) {
        Thread* thread = who == 0 ? scheduler::current() : scheduler::find(who);
        if (!thread || who < 0)
            return ESRCH;
        visit(*thread);
        return {};
    }
    bool everyone = which == prio_pgrp ? (who == 0 || who == program_pid)
                                       : (who == 0 || static_cast<uint32_t>(who) == program_uid);
    if (!everyone)
        return ESRCH;
    scheduler::for_each_thread(visit);
    return {};
}

bool is_known(int which) {
    return which == prio_process || which == prio_pgrp || which == prio_user;
}

// sched_getscheduler and sched_getparam name a thread by id, 0 for the caller.
ErrorOr<Thread*> scheduled_thread(int pid) {
    if (pid < 0)
        return EINVAL;
    Thread* thread = pid == 0 ? scheduler::current() : scheduler::find(pid);
    if (!thread)
        return ESRCH;
    return thread;
}

} // namespace

// The highest priority (lowest nice value) named, as 20 - nice: the raw syscall never returns
// a negative value that could read as an error; glibc turns it back into the nice value.
ErrorOr<long> sys_getpriority(int which, int who) {
    if (!is_known(which))
        return EINVAL;
    int lowest_nice = nice_maximum + 1;
    TRY(for_each_named(which, who, [&](Thread& thread) {
        if (thread.nice < lowest_nice)
            lowest_nice = thread.nice;
    }));
    return 20 - lowest_nice;
}

// Out-of-range values are clamped, as Linux does; the program is root, so it may also raise
// its priority.
ErrorOr<long> sys_setpriority(int which, int who, int nice) {
    if (!is_known(which))
        return EINVAL;
    if (nice < nice_minimum)
        nice = nice_minimum;
    if (nice > nice_maximum)
        nice = nice_maximum;
    TRY(for_each_named(which, who,
                       [&](Thread& thread) { thread.nice = static_cast<int8_t>(nice); }));
    return 0;
}

ErrorOr<long> sys_sched_getscheduler(int pid) {
    TRY(scheduled_thread(pid));
    return sched_other;
}

ErrorOr<long> sys_sched_getparam(int pid, UserPointer parameters) {
    if (!parameters || pid < 0)
        return EINVAL;
    TRY(scheduled_thread(pid));
    return as_syscall_result(write_user(parameters.address, static_cast<int>(0)));
}

} // namespace kernel
