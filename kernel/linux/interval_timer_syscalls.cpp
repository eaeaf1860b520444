// setitimer, getitimer and alarm (setitimer(2)). ITIMER_REAL counts real time and sends
// SIGALRM; ITIMER_VIRTUAL counts the process's user time and sends SIGVTALRM; ITIMER_PROF its
// user and system time, and sends SIGPROF. The CPU-time timers are looked at where the real
// one is (at every tick and system call), but never wake an idle CPU: their clocks stand still
// while no thread runs.
#include "linux/interval_timers.h"
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"
#include "time/clock.h"
#include "time/interval_timer.h"

namespace kernel {

namespace {

constexpr int itimer_real = 0, itimer_virtual = 1, itimer_prof = 2;
constexpr int timer_signals[] = {14, 26, 27}; // SIGALRM, SIGVTALRM, SIGPROF
constexpr uint64_t ns_per_microsecond = 1000;
constexpr uint64_t microseconds_per_second = 1000000;

IntervalTimer timers[3];

struct LinuxTimeval {
    int64_t seconds;
    int64_t microseconds;
};

struct LinuxItimerval {
    LinuxTimeval interval;
    LinuxTimeval value;
};

// Linux's timeval_valid(): no negative part, fewer than a million microseconds.
bool is_valid(const LinuxTimeval& time) {
    return time.seconds >= 0 && time.microseconds >= 0 &&
           static_cast<uint64_t>(time.microseconds) < microseconds_per_second;
}

uint64_t to_ns(const LinuxTimeval& time) {
    auto seconds = static_cast<uint64_t>(time.seconds);
    if (seconds > (UINT64_MAX - clock::ns_per_second) / clock::ns_per_second)
        return UINT64_MAX; // far future: saturates
    return seconds * clock::ns_per_second +
           static_cast<uint64_t>(time.microseconds) * ns_per_microsecond;
}

LinuxTimeval to_timeval(uint64_t ns) {
    return {static_cast<int64_t>(ns / clock::ns_per_second),
            static_cast<int64_t>(ns % clock::ns_per_second / ns_per_microsecond)};
}

LinuxItimerval to_itimerval(const IntervalTimer::Setting& setting) {
    return {to_timeval(setting.interval_ns), to_timeval(setting.value_ns)};
}

// The clock timer `which` counts on, now.
uint64_t now_for(int which) {
    if (which == itimer_real)
        return clock::monotonic_ns();
    CpuTimes used = scheduler::process_cpu_time();
    return which == itimer_virtual ? used.user_ns : used.total_ns();
}

bool is_known(int which) {
    return which == itimer_real || which == itimer_virtual || which == itimer_prof;
}

} // namespace

namespace interval_timers {

void expire() {
    // On every return to the program: with no timer armed, not even a clock is read.
    for (int which = itimer_real; which <= itimer_prof; ++which) {
        if (timers[which].deadline_ns() && timers[which].expire(now_for(which)))
            signals::raise(timer_signals[which], nullptr); // to the process, as Linux does
    }
}

uint64_t next_deadline_ns() {
    return timers[itimer_real].deadline_ns();
}

} // namespace interval_timers

// Linux 6.1 reads and checks the new value first (EFAULT, EINVAL), then `which` (EINVAL). A
// null new value disarms the timer (a "misfeature" Linux keeps).
ErrorOr<long> sys_setitimer(int which, UserPointer value, UserPointer old_value) {
    LinuxItimerval wanted{};
    if (value) {
        wanted = TRY(read_user<LinuxItimerval>(value.address));
        if (!is_valid(wanted.value) || !is_valid(wanted.interval))
            return EINVAL;
    }
    if (!is_known(which))
        return EINVAL;
    auto previous =
        timers[which].set(now_for(which), {to_ns(wanted.value), to_ns(wanted.interval)});
    if (old_value)
        TRY(write_user(old_value.address, to_itimerval(previous)));
    return 0;
}

ErrorOr<long> sys_getitimer(int which, UserPointer value) {
    if (!is_known(which))
        return EINVAL;
    return as_syscall_result(
        write_user(value.address, to_itimerval(timers[which].read(now_for(which)))));
}

// The seconds that were left of the previous alarm, rounded as Linux's alarm_setitimer does: to
// the nearest second, and never 0 while one was pending.
ErrorOr<long> sys_alarm(unsigned seconds) {
    auto previous = timers[itimer_real].set(
        clock::monotonic_ns(), {static_cast<uint64_t>(seconds) * clock::ns_per_second, 0});
    uint64_t left_seconds = previous.value_ns / clock::ns_per_second;
    uint64_t left_ns = previous.value_ns % clock::ns_per_second;
    if ((!left_seconds && left_ns) || left_ns >= clock::ns_per_second / 2)
        ++left_seconds;
    return static_cast<long>(left_seconds);
}

} // namespace kernel
