#include "linux/syscall_table.h"
#include "linux/timespec.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace kernel {

namespace {

constexpr uint64_t clock_realtime = 0;
constexpr uint64_t clock_realtime_coarse = 5;
constexpr uint64_t clock_realtime_alarm = 8;
constexpr uint64_t clock_tai = 11;
constexpr uint64_t clock_boottime_alarm = 9;
constexpr uint64_t timer_abstime = 1;

bool is_realtime(uint64_t id) {
    return id == clock_realtime || id == clock_realtime_coarse || id == clock_realtime_alarm ||
           id == clock_tai;
}

// Every clock but the wall clock counts from boot: the program is the only process, so its
// CPU time is the time since boot too.
ErrorOr<uint64_t> read_clock(uint64_t id) {
    if (id > clock_tai || id == 10)
        return EINVAL;
    if (is_realtime(id))
        return clock::realtime_ns();
    return clock::monotonic_ns();
}

long sys_clock_gettime(SyscallFrame& f) {
    uint64_t now = TRY_SYSCALL(read_clock(f.rdi));
    return to_syscall_result(write_user(f.rsi, ns_to_timespec(now)));
}

long sys_clock_getres(SyscallFrame& f) {
    TRY_SYSCALL(read_clock(f.rdi));
    if (!f.rsi)
        return 0;
    return to_syscall_result(write_user(f.rsi, LinuxTimespec{0, 1}));
}

long sys_gettimeofday(SyscallFrame& f) {
    if (f.rdi) {
        uint64_t now = clock::realtime_ns();
        struct {
            int64_t seconds, microseconds;
        } value{static_cast<int64_t>(now / clock::ns_per_second),
                static_cast<int64_t>(now % clock::ns_per_second / 1000)};
        TRY_SYSCALL(write_user(f.rdi, value));
    }
    if (f.rsi)
        TRY_SYSCALL(write_user(f.rsi, static_cast<uint64_t>(0)));
    return 0;
}

long sys_time(SyscallFrame& f) {
    auto seconds = static_cast<int64_t>(clock::realtime_ns() / clock::ns_per_second);
    if (f.rdi)
        TRY_SYSCALL(write_user(f.rdi, seconds));
    return seconds;
}

long sleep_until(uint64_t deadline) {
    if (deadline <= clock::monotonic_ns()) {
        scheduler::yield();
        return 0;
    }
    scheduler::block(nullptr, deadline);
    return 0;
}

long sys_nanosleep(SyscallFrame& f) {
    uint64_t duration = TRY_SYSCALL(timespec_to_ns(f.rdi));
    return sleep_until(clock::monotonic_ns() + duration);
}

long sys_clock_nanosleep(SyscallFrame& f) {
    uint64_t id = f.rdi;
    if (id > clock_tai || id == clock_boottime_alarm || id == clock_realtime_alarm)
        return -EINVAL;
    uint64_t value = TRY_SYSCALL(timespec_to_ns(f.rdx));
    if (f.rsi & timer_abstime)
        return sleep_until(absolute_to_monotonic(value, is_realtime(id)));
    return sleep_until(clock::monotonic_ns() + value);
}

} // namespace

void register_time_syscalls() {
    register_syscall(nr::clock_gettime, sys_clock_gettime);
    register_syscall(nr::clock_getres, sys_clock_getres);
    register_syscall(nr::gettimeofday, sys_gettimeofday);
    register_syscall(nr::time, sys_time);
    register_syscall(nr::nanosleep, sys_nanosleep);
    register_syscall(nr::clock_nanosleep, sys_clock_nanosleep);
}

} // namespace kernel
