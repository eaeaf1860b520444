#include "linux/clock_ids.h"
#include "linux/syscall_table.h"
#include "linux/timespec.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"
#include "time/clock.h"
#include "time/tsc_clock.h"

namespace kernel {

namespace {

constexpr int timer_abstime = 1;
constexpr int program_pid = 1; // as getpid answers

// The id of the CPU-time clock (CPUCLOCK_SCHED) of process or thread `pid`, as glibc makes it.
constexpr int cpuclock_of(int pid, bool per_thread) {
    constexpr int cpuclock_sched = 2, cpuclock_per_thread = 4;
    return static_cast<int>((~static_cast<unsigned>(pid) << 3) | cpuclock_sched |
                            (per_thread ? cpuclock_per_thread : 0));
}

// A CPU-time clock (clock_gettime(2)): CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID,
// and the negative ids clock_getcpuclockid(3) and pthread_getcpuclockid(3) make: ~pid << 3, or
// ~tid << 3 | 4 for a thread, with what to count in the low two bits (Linux's CPUCLOCK_PROF:
// user and system time; CPUCLOCK_VIRT: user time; CPUCLOCK_SCHED: all the time run). Pid 0 is
// the caller's process or thread. The program is process 1; any other pid or tid is EINVAL.
ErrorOr<uint64_t> read_cpu_clock(int id) {
    constexpr int cpuclock_virtual = 1, cpuclock_invalid = 3, cpuclock_per_thread = 4;
    if ((id & 3) == cpuclock_invalid)
        return EINVAL;
    int pid = ~(id >> 3);
    CpuTimes used;
    if (id & cpuclock_per_thread) {
        Thread* thread = pid == 0 ? scheduler::current() : scheduler::find(pid);
        if (!thread)
            return EINVAL;
        used = scheduler::thread_cpu_time(*thread);
    } else {
        if (pid != 0 && pid != program_pid)
            return EINVAL;
        used = scheduler::process_cpu_time();
    }
    return (id & 3) == cpuclock_virtual ? used.user_ns : used.total_ns();
}

// Every other clock but the wall clock counts from boot.
ErrorOr<uint64_t> read_clock(int id) {
    if (id == clock_id::process_cputime)
        return read_cpu_clock(cpuclock_of(0, false));
    if (id == clock_id::thread_cputime)
        return read_cpu_clock(cpuclock_of(0, true));
    if (id < 0)
        return read_cpu_clock(id);
    if (id > clock_id::tai || id == 10)
        return EINVAL;
    if (clock_id::reads_realtime(id))
        return clock::realtime_ns();
    return clock::monotonic_ns();
}

void sleep_until(uint64_t deadline) {
    if (deadline <= clock::monotonic_ns()) {
        scheduler::yield();
        return;
    }
    scheduler::block(nullptr, deadline);
}

} // namespace

ErrorOr<long> sys_clock_gettime(int clock, UserPointer time) {
    uint64_t now = TRY(read_clock(clock));
    TRY(write_user(time.address, ns_to_timespec(now)));
    return 0;
}

ErrorOr<long> sys_clock_getres(int clock, UserPointer resolution) {
    TRY(read_clock(clock));
    if (resolution)
        TRY(write_user(resolution.address, ns_to_timespec(tsc_clock::resolution_ns)));
    return 0;
}

ErrorOr<long> sys_gettimeofday(UserPointer time, UserPointer zone) {
    if (time) {
        uint64_t now = clock::realtime_ns();
        struct {
            int64_t seconds, microseconds;
        } value{static_cast<int64_t>(now / clock::ns_per_second),
                static_cast<int64_t>(now % clock::ns_per_second / 1000)};
        TRY(write_user(time.address, value));
    }
    if (zone)
        TRY(write_user(zone.address, static_cast<uint64_t>(0)));
    return 0;
}

ErrorOr<long> sys_time(UserPointer seconds) {
    auto now = static_cast<int64_t>(clock::realtime_ns() / clock::ns_per_second);
    if (seconds)
        TRY(write_user(seconds.address, now));
    return now;
}

ErrorOr<long> sys_nanosleep(UserPointer request, UserPointer) {
    uint64_t duration = TRY(timespec_to_ns(request.address));
    sleep_until(clock::monotonic_ns() + duration);
    return 0;
}

ErrorOr<long> sys_clock_nanosleep(int clock, int flags, UserPointer request, UserPointer) {
    // Linux: a thread's CPU-time clock cannot be slept on (thread_cpu_nsleep).
    if (clock < 0 || clock > clock_id::tai || clock == clock_id::boottime_alarm ||
        clock == clock_id::realtime_alarm || clock == clock_id::thread_cputime)
        return EINVAL;
    uint64_t value = TRY(timespec_to_ns(request.address));
    if (flags & timer_abstime)
        sleep_until(absolute_to_monotonic(value, clock_id::reads_realtime(clock)));
    else
        sleep_until(clock::monotonic_ns() + value);
    return 0;
}

} // namespace kernel
