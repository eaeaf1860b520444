// Telling a live process from a recorded pid that now names another process, or none: the pid
// with its start time (proc(5), /proc/PID/stat field 22, clock ticks since boot) and the boot
// it belongs to (/proc/sys/kernel/random/boot_id). A pid alone is reused; after a reboot the
// start times start again too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

struct ProcessIdentity {
    int pid = 0;
    uint64_t start_time = 0;
    std::string boot_id;
};

// Field 22 of a /proc/PID/stat line; the command (field 2) may hold spaces and parentheses,
// so fields are counted after its last ')'.
std::optional<uint64_t> parse_stat_start_time(std::string_view stat);

std::string current_boot_id();
// Nothing when `pid` is gone or a zombie.
std::optional<ProcessIdentity> identify_process(int pid);

// Whether `recorded` is the process that `now` (identify_process of the same pid, in the boot
// `boot_id`) shows, or nothing when that pid is gone.
bool same_process(const ProcessIdentity& recorded, const std::optional<ProcessIdentity>& now);

// identify_process and same_process together: `recorded` still runs.
bool is_running(const ProcessIdentity& recorded);

// The resident memory of `pid` and its children (a qemu VM is ingot run's child), from
// /proc/PID/status (VmRSS) and /proc/PID/task/PID/children; 0 when it is gone.
uint64_t resident_memory(int pid);

// The processes `pid` started, and those they started, as they are now (a VM's boot of an
// on-demand instance, QEMU), from every thread's /proc/PID/task/TID/children; none when `pid`
// is gone.
std::vector<ProcessIdentity> descendants(int pid);

} // namespace ingot
