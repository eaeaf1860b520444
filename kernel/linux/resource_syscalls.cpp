// Limits and usage. RLIMIT_STACK is the image's stack size: glibc sizes thread stacks by it.
#include "linux/resource_limits.h"
#include "linux/syscall_table.h"
#include "mm/frame_allocator.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr unsigned resource_count = 16;
constexpr int rlimit_stack = 3;
constexpr int rlimit_core = 4;
constexpr int rlimit_nofile = 7;
constexpr uint64_t infinity = ~0ull;

struct LinuxRlimit {
    uint64_t current;
    uint64_t maximum;
};

LinuxRlimit limits[resource_count];

ErrorOr<long> exchange_limit(unsigned resource, UserPointer new_limit, UserPointer old_limit) {
    if (resource >= resource_count)
        return EINVAL;
    LinuxRlimit previous = limits[resource];
    if (new_limit) {
        auto wanted = TRY(read_user<LinuxRlimit>(new_limit.address));
        if (wanted.current > wanted.maximum || wanted.maximum > previous.maximum)
            return EINVAL;
        limits[resource] = wanted;
    }
    if (old_limit)
        TRY(write_user(old_limit.address, previous));
    return 0;
}

struct LinuxSysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t total_ram, free_ram, shared_ram, buffer_ram, total_swap, free_swap;
    uint16_t processes;
    uint16_t pad;
    uint32_t pad2;
    uint64_t total_high, free_high;
    uint32_t memory_unit;
    char reserved[4];
};

} // namespace

ErrorOr<long> sys_prlimit64(int pid, unsigned resource, UserPointer new_limit,
                            UserPointer old_limit) {
    if (pid != 0 && pid != 1)
        return ESRCH;
    return exchange_limit(resource, new_limit, old_limit);
}

ErrorOr<long> sys_getrlimit(unsigned resource, UserPointer limit) {
    if (resource >= resource_count)
        return EINVAL;
    return as_syscall_result(write_user(limit.address, limits[resource]));
}

ErrorOr<long> sys_setrlimit(unsigned resource, UserPointer limit) {
    return exchange_limit(resource, limit, UserPointer{0});
}

ErrorOr<long> sys_sysinfo(UserPointer user_info) {
    LinuxSysinfo info{};
    info.uptime = static_cast<int64_t>(clock::monotonic_ns() / clock::ns_per_second);
    info.total_ram = frame_allocator().total_frames() * abi::page_size;
    info.free_ram = frame_allocator().free_frames() * abi::page_size;
    info.processes = static_cast<uint16_t>(scheduler::live_threads());
    info.memory_unit = 1;
    return as_syscall_result(write_user(user_info.address, info));
}

ErrorOr<long> sys_getrusage(int, UserPointer user_usage) {
    struct {
        int64_t user_seconds, user_microseconds, system_seconds, system_microseconds;
        int64_t rest[14];
    } usage{};
    uint64_t now = clock::monotonic_ns();
    usage.user_seconds = static_cast<int64_t>(now / clock::ns_per_second);
    usage.user_microseconds = static_cast<int64_t>(now % clock::ns_per_second / 1000);
    usage.rest[0] = static_cast<int64_t>(
        (frame_allocator().total_frames() - frame_allocator().lowest_free_frames()) *
        abi::page_size / 1024); // ru_maxrss in KiB
    return as_syscall_result(write_user(user_usage.address, usage));
}

void initialize_resource_limits(uint64_t stack_size) {
    for (auto& limit : limits)
        limit = {infinity, infinity};
    limits[rlimit_stack] = {stack_size, infinity};
    limits[rlimit_core] = {0, infinity};
    limits[rlimit_nofile] = {1024, 4096};
}

} // namespace kernel
