// getrusage(2) and times(2): the CPU time the scheduler accounts (sched/cpu_time.h), as the
// CPU-time clocks and interval timers see it too. The program has no children: their usage
// is zero.
#include "linux/syscall_table.h"
#include "mm/frame_allocator.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr int rusage_self = 0, rusage_children = -1, rusage_thread = 1;
constexpr uint64_t ns_per_microsecond = 1000;
constexpr uint64_t microseconds_per_second = 1000000;
constexpr uint64_t ticks_per_second = 100; // USER_HZ, as AT_CLKTCK says

struct LinuxTimeval {
    int64_t seconds;
    int64_t microseconds;
};

struct LinuxRusage {
    LinuxTimeval user_time;
    LinuxTimeval system_time;
    int64_t max_resident_kib;
    int64_t rest[13]; // ixrss to nivcsw: nothing here counts them
};
static_assert(sizeof(LinuxRusage) == 144, "struct rusage");

struct LinuxTms {
    int64_t user_ticks, system_ticks, children_user_ticks, children_system_ticks;
};

LinuxTimeval to_timeval(uint64_t ns) {
    uint64_t microseconds = ns / ns_per_microsecond;
    return {static_cast<int64_t>(microseconds / microseconds_per_second),
            static_cast<int64_t>(microseconds % microseconds_per_second)};
}

int64_t to_ticks(uint64_t ns) {
    return static_cast<int64_t>(ns / (clock::ns_per_second / ticks_per_second));
}

} // namespace

// Linux's getrusage: RUSAGE_THREAD reports the calling thread's times and, as RUSAGE_SELF
// does, the process's peak resident size.
ErrorOr<long> sys_getrusage(int who, UserPointer user_usage) {
    if (who != rusage_self && who != rusage_children && who != rusage_thread)
        return EINVAL;
    LinuxRusage usage{};
    if (who != rusage_children) {
        CpuTimes used = who == rusage_thread ? scheduler::thread_cpu_time(*scheduler::current())
                                             : scheduler::process_cpu_time();
        usage.user_time = to_timeval(used.user_ns);
        usage.system_time = to_timeval(used.system_ns);
        usage.max_resident_kib = static_cast<int64_t>(
            (frame_allocator().total_frames() - frame_allocator().lowest_free_frames()) *
            abi::page_size / 1024);
    }
    return as_syscall_result(write_user(user_usage.address, usage));
}

// times(2): the process's times in clock ticks, and the ticks since boot (Linux counts from an
// arbitrary point too; only differences mean something). A null buffer is allowed.
ErrorOr<long> sys_times(UserPointer buffer) {
    if (buffer) {
        CpuTimes used = scheduler::process_cpu_time();
        TRY(write_user(buffer.address,
                       LinuxTms{to_ticks(used.user_ns), to_ticks(used.system_ns), 0, 0}));
    }
    return to_ticks(clock::monotonic_ns());
}

} // namespace kernel
