// The clock ids of clock_gettime(2) (Linux's <uapi/linux/time.h>), for the syscalls and the vDSO.
#pragma once

namespace kernel::clock_id {

inline constexpr int realtime = 0, monotonic = 1, process_cputime = 2, thread_cputime = 3,
                     monotonic_raw = 4, realtime_coarse = 5, monotonic_coarse = 6, boottime = 7,
                     realtime_alarm = 8, boottime_alarm = 9, tai = 11;

// Whether clock `id` reads the wall clock; every other clock but the CPU-time ones counts from
// boot (time_syscalls.cpp's read_clock, and the vDSO's).
constexpr bool reads_realtime(int id) {
    return id == realtime || id == realtime_coarse || id == realtime_alarm || id == tai;
}

} // namespace kernel::clock_id
