#include "linux/syscall_table.h"
#include "linux/timespec.h"
#include "sched/futex.h"
#include "time/clock.h"

namespace kernel {

namespace {

constexpr uint32_t futex_wait = 0;
constexpr uint32_t futex_wake = 1;
constexpr uint32_t futex_requeue = 3;
constexpr uint32_t futex_cmp_requeue = 4;
constexpr uint32_t futex_wait_bitset = 9;
constexpr uint32_t futex_wake_bitset = 10;
constexpr uint32_t futex_private = 128;
constexpr uint32_t futex_clock_realtime = 256;

long sys_futex(SyscallFrame& f) {
    uint64_t address = f.rdi;
    auto operation = static_cast<uint32_t>(f.rsi);
    auto value = static_cast<uint32_t>(f.rdx);
    uint64_t timeout = f.r10, address2 = f.r8;
    auto value3 = static_cast<uint32_t>(f.r9);
    bool realtime = operation & futex_clock_realtime;
    switch (operation & ~(futex_private | futex_clock_realtime)) {
    case futex_wait: {
        uint64_t deadline = 0;
        if (timeout)
            deadline = clock::monotonic_ns() + TRY_SYSCALL(timespec_to_ns(timeout));
        return to_syscall_result(
            futex::wait(address, value, deadline ? deadline : 0, futex::match_any));
    }
    case futex_wait_bitset: {
        uint64_t deadline = 0;
        if (timeout)
            deadline = absolute_to_monotonic(TRY_SYSCALL(timespec_to_ns(timeout)), realtime);
        return to_syscall_result(futex::wait(address, value, deadline, value3));
    }
    case futex_wake:
        return static_cast<long>(futex::wake(address, value, futex::match_any));
    case futex_wake_bitset:
        if (value3 == 0)
            return -EINVAL;
        return static_cast<long>(futex::wake(address, value, value3));
    case futex_cmp_requeue: {
        auto current = read_user<uint32_t>(address);
        if (current.is_error())
            return -EFAULT;
        if (current.value() != value3)
            return -EAGAIN;
        [[fallthrough]];
    }
    case futex_requeue:
        return static_cast<long>(futex::requeue(address, address2, value, timeout));
    default:
        return -ENOSYS;
    }
}

} // namespace

void register_futex_syscalls() {
    register_syscall(nr::futex, sys_futex);
}

} // namespace kernel
