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

constexpr int resource_count = 16;
constexpr int rlimit_stack = 3;
constexpr int rlimit_core = 4;
constexpr int rlimit_nofile = 7;
constexpr uint64_t infinity = ~0ull;

struct LinuxRlimit {
    uint64_t current;
    uint64_t maximum;
};

LinuxRlimit limits[resource_count];

long get_limit(int resource, uint64_t user_old) {
    if (resource < 0 || resource >= resource_count)
        return -EINVAL;
    return to_syscall_result(write_user(user_old, limits[resource]));
}

long sys_prlimit64(SyscallFrame& f) {
    auto pid = static_cast<int32_t>(f.rdi);
    auto resource = static_cast<int>(f.rsi);
    if (pid != 0 && pid != 1)
        return -ESRCH;
    if (resource < 0 || resource >= resource_count)
        return -EINVAL;
    LinuxRlimit previous = limits[resource];
    if (f.rdx) {
        auto wanted = TRY_SYSCALL(read_user<LinuxRlimit>(f.rdx));
        if (wanted.current > wanted.maximum || wanted.maximum > previous.maximum)
            return -EINVAL;
        limits[resource] = wanted;
    }
    if (f.r10)
        TRY_SYSCALL(write_user(f.r10, previous));
    return 0;
}

long sys_getrlimit(SyscallFrame& f) {
    return get_limit(static_cast<int>(f.rdi), f.rsi);
}

long sys_setrlimit(SyscallFrame& f) {
    SyscallFrame as_prlimit = f;
    as_prlimit.rdx = f.rsi;
    as_prlimit.rsi = f.rdi;
    as_prlimit.rdi = 0;
    as_prlimit.r10 = 0;
    return sys_prlimit64(as_prlimit);
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

long sys_sysinfo(SyscallFrame& f) {
    LinuxSysinfo info{};
    info.uptime = static_cast<int64_t>(clock::monotonic_ns() / clock::ns_per_second);
    info.total_ram = frame_allocator().total_frames() * abi::page_size;
    info.free_ram = frame_allocator().free_frames() * abi::page_size;
    info.processes = static_cast<uint16_t>(scheduler::live_threads());
    info.memory_unit = 1;
    return to_syscall_result(write_user(f.rdi, info));
}

long sys_getrusage(SyscallFrame& f) {
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
    return to_syscall_result(write_user(f.rsi, usage));
}

} // namespace

void initialize_resource_limits(uint64_t stack_size) {
    for (auto& limit : limits)
        limit = {infinity, infinity};
    limits[rlimit_stack] = {stack_size, infinity};
    limits[rlimit_core] = {0, infinity};
    limits[rlimit_nofile] = {1024, 4096};
}

bool resource_limit(int resource, uint64_t& soft, uint64_t& hard) {
    if (resource < 0 || resource >= resource_count)
        return false;
    soft = limits[resource].current;
    hard = limits[resource].maximum;
    return true;
}

void register_resource_syscalls() {
    register_syscall(nr::prlimit64, sys_prlimit64);
    register_syscall(nr::getrlimit, sys_getrlimit);
    register_syscall(nr::setrlimit, sys_setrlimit);
    register_syscall(nr::sysinfo, sys_sysinfo);
    register_syscall(nr::getrusage, sys_getrusage);
}

} // namespace kernel
