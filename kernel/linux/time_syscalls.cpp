#include "linux/syscall_table.h"
#include "linux/timespec.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace kernel {

namespace {

constexpr int clock_realtime = 0;
constexpr int clock_realtime_coarse = 5;
constexpr int clock_realtime_alarm = 8;
constexpr int clock_tai = 11;
constexpr int clock_boottime_alarm = 9;
constexpr int timer_abstime = 1;

bool is_realtime(int id) {
    return id == clock_realtime || id == clock_realtime_coarse || id == clock_realtime_alarm ||
           id == clock_tai;
}

// Every clock but the wall clock counts from boot: the program is the only process, so its
// CPU time is the time since boot too.
ErrorOr<uint64_t> read_clock(int id) {
    // Negative ids name CPU-time clocks of other processes and threads (clock_getcpuclockid):
    // there are none.
    if (id < 0 || id > clock_tai || id == 10)
        return EINVAL;
    if (is_realtime(id))
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
        TRY(write_user(resolution.address, LinuxTimespec{0, 1}));
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
    if (clock < 0 || clock > clock_tai || clock == clock_boottime_alarm ||
        clock == clock_realtime_alarm)
        return EINVAL;
    uint64_t value = TRY(timespec_to_ns(request.address));
    if (flags & timer_abstime)
        sleep_until(absolute_to_monotonic(value, is_realtime(clock)));
    else
        sleep_until(clock::monotonic_ns() + value);
    return 0;
}

} // namespace kernel
