// struct timespec from the program, as nanoseconds.
#pragma once

#include "lib/error_or.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "time/clock.h"

namespace kernel {

struct LinuxTimespec {
    int64_t seconds;
    int64_t nanoseconds;
};

inline ErrorOr<uint64_t> timespec_to_ns(uint64_t user_address) {
    auto value = TRY(read_user<LinuxTimespec>(user_address));
    if (value.seconds < 0 || value.nanoseconds < 0 ||
        value.nanoseconds >= static_cast<int64_t>(clock::ns_per_second))
        return EINVAL;
    // Far-future times saturate instead of wrapping.
    if (static_cast<uint64_t>(value.seconds) > UINT64_MAX / clock::ns_per_second - 1)
        return UINT64_MAX / 2;
    return static_cast<uint64_t>(value.seconds) * clock::ns_per_second +
           static_cast<uint64_t>(value.nanoseconds);
}

inline LinuxTimespec ns_to_timespec(uint64_t ns) {
    return {static_cast<int64_t>(ns / clock::ns_per_second),
            static_cast<int64_t>(ns % clock::ns_per_second)};
}

// An absolute time on CLOCK_REALTIME or CLOCK_MONOTONIC, as a monotonic deadline (never 0).
inline uint64_t absolute_to_monotonic(uint64_t absolute_ns, bool realtime) {
    uint64_t monotonic = absolute_ns;
    if (realtime) {
        uint64_t offset = clock::realtime_ns() - clock::monotonic_ns();
        monotonic = absolute_ns > offset ? absolute_ns - offset : 0;
    }
    return monotonic ? monotonic : 1;
}

} // namespace kernel
