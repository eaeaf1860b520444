// Limits and usage. RLIMIT_STACK is the image's stack size: glibc sizes thread stacks by it.
// RLIMIT_NOFILE's soft limit bounds the descriptors (fs/fd_table.h).
#include "fs/fd_table.h"
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
constexpr unsigned rlimit_nofile = 7;
constexpr uint64_t infinity = ~0ull;

struct LinuxRlimit {
    uint64_t current;
    uint64_t maximum;
};

LinuxRlimit limits[resource_count];

// Linux's do_prlimit, for a process whose threads run as root (CAP_SYS_RESOURCE): a hard limit
// may go up as well as down, except RLIMIT_NOFILE's beyond fs.nr_open (EPERM).
ErrorOr<long> exchange_limit(unsigned resource, const LinuxRlimit* wanted, UserPointer old_limit) {
    if (resource >= resource_count)
        return EINVAL;
    if (wanted) {
        if (wanted->current > wanted->maximum)
            return EINVAL;
        if (resource == rlimit_nofile &&
            wanted->maximum > static_cast<uint64_t>(fd_table::max_limit))
            return EPERM;
    }
    LinuxRlimit previous = limits[resource];
    if (wanted) {
        limits[resource] = *wanted;
        if (resource == rlimit_nofile) // below nr_open, checked above
            fd_table::set_limit(static_cast<int>(wanted->current));
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

// The process is 0 or its pid (1); each of its threads' ids names it too, as in Linux.
ErrorOr<long> sys_prlimit64(int pid, unsigned resource, UserPointer new_limit,
                            UserPointer old_limit) {
    LinuxRlimit wanted;
    if (new_limit)
        wanted = TRY(read_user<LinuxRlimit>(new_limit.address));
    if (pid < 0 || (pid != 0 && !scheduler::find(static_cast<uint32_t>(pid))))
        return ESRCH;
    return exchange_limit(resource, new_limit ? &wanted : nullptr, old_limit);
}

ErrorOr<long> sys_getrlimit(unsigned resource, UserPointer limit) {
    if (resource >= resource_count)
        return EINVAL;
    return as_syscall_result(write_user(limit.address, limits[resource]));
}

ErrorOr<long> sys_setrlimit(unsigned resource, UserPointer limit) {
    auto wanted = TRY(read_user<LinuxRlimit>(limit.address));
    return exchange_limit(resource, &wanted, UserPointer{0});
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

void initialize_resource_limits(uint64_t stack_size) {
    for (auto& limit : limits)
        limit = {infinity, infinity};
    limits[rlimit_stack] = {stack_size, infinity};
    limits[rlimit_core] = {0, infinity};
    // Linux's defaults for the first process (INR_OPEN_CUR, INR_OPEN_MAX).
    limits[rlimit_nofile] = {1024, 4096};
    fd_table::set_limit(1024);
}

bool resource_limit(int resource, uint64_t& soft, uint64_t& hard) {
    if (resource < 0 || static_cast<unsigned>(resource) >= resource_count)
        return false;
    soft = limits[resource].current;
    hard = limits[resource].maximum;
    return true;
}

} // namespace kernel
