#include "linux/syscall_table.h"
#include "linux/timespec.h"
#include "sched/futex.h"
#include "time/clock.h"

namespace kernel {

namespace {

constexpr int futex_wait = 0;
constexpr int futex_wake = 1;
constexpr int futex_requeue = 3;
constexpr int futex_cmp_requeue = 4;
constexpr int futex_wait_bitset = 9;
constexpr int futex_wake_bitset = 10;
constexpr int futex_private = 128;
constexpr int futex_clock_realtime = 256;

} // namespace

// For the requeue operations the `timeout` register carries a count (val2), as in Linux.
ErrorOr<long> sys_futex(UserPointer address, int operation, unsigned value, UserPointer timeout,
                        UserPointer address2, unsigned value3) {
    bool realtime = operation & futex_clock_realtime;
    switch (operation & ~(futex_private | futex_clock_realtime)) {
    case futex_wait: {
        uint64_t deadline = 0;
        if (timeout)
            deadline = clock::monotonic_ns() + TRY(timespec_to_ns(timeout.address));
        return as_syscall_result(
            futex::wait(address.address, value, deadline ? deadline : 0, futex::match_any));
    }
    case futex_wait_bitset: {
        uint64_t deadline = 0;
        if (timeout)
            deadline = absolute_to_monotonic(TRY(timespec_to_ns(timeout.address)), realtime);
        return as_syscall_result(futex::wait(address.address, value, deadline, value3));
    }
    case futex_wake:
        return static_cast<long>(futex::wake(address.address, value, futex::match_any));
    case futex_wake_bitset:
        if (value3 == 0)
            return EINVAL;
        return static_cast<long>(futex::wake(address.address, value, value3));
    case futex_cmp_requeue: {
        auto current = read_user<uint32_t>(address.address);
        if (current.is_error())
            return EFAULT;
        if (current.value() != value3)
            return EAGAIN;
        [[fallthrough]];
    }
    case futex_requeue:
        return static_cast<long>(
            futex::requeue(address.address, address2.address, value, timeout.address));
    default:
        return ENOSYS;
    }
}

} // namespace kernel
