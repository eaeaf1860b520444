// The machine-wide files of /proc (fs/proc/meminfo.c, stat.c, uptime.c, loadavg.c,
// version.c) and the few /proc/sys and /sys values programs read.
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/text_layout.h"
#include "linux/machine_identity.h"

namespace kernel::synthetic {

namespace {

constexpr uint64_t ns_per_hundredth = 10'000'000;
constexpr uint64_t ns_per_tick = 10'000'000; // USER_HZ 100

// show_val_kb: the label padded to 16 columns, the value to 8, then " kB".
void append_kib(TextBuffer& text, const char* label, uint64_t bytes) {
    append_left(text, label, 16);
    append_right(text, bytes / 1024, 8);
    text.append(" kB\n");
}

void append_count(TextBuffer& text, const char* label, uint64_t value) {
    append_left(text, label, 16);
    append_right(text, value, 8);
    text.append("\n");
}

} // namespace

// No swap, no page cache apart from the file systems' own pages, which count as used.
void generate_meminfo(const SystemFacts& facts, TextBuffer& text) {
    MemoryFacts memory = facts.memory();
    uint64_t used = memory.total_bytes - memory.free_bytes;
    append_kib(text, "MemTotal:", memory.total_bytes);
    append_kib(text, "MemFree:", memory.free_bytes);
    append_kib(text, "MemAvailable:", memory.free_bytes);
    append_kib(text, "Buffers:", 0);
    append_kib(text, "Cached:", 0);
    append_kib(text, "SwapCached:", 0);
    append_kib(text, "Active:", used);
    append_kib(text, "Inactive:", 0);
    append_kib(text, "Active(anon):", used);
    append_kib(text, "Inactive(anon):", 0);
    append_kib(text, "Active(file):", 0);
    append_kib(text, "Inactive(file):", 0);
    append_kib(text, "Unevictable:", 0);
    append_kib(text, "Mlocked:", 0);
    append_kib(text, "SwapTotal:", 0);
    append_kib(text, "SwapFree:", 0);
    append_kib(text, "Dirty:", 0);
    append_kib(text, "Writeback:", 0);
    append_kib(text, "AnonPages:", used);
    append_kib(text, "Mapped:", 0);
    append_kib(text, "Shmem:", 0);
    append_kib(text, "Slab:", 0);
    append_kib(text, "SReclaimable:", 0);
    append_kib(text, "SUnreclaim:", 0);
    append_kib(text, "KernelStack:", 0);
    append_kib(text, "PageTables:", 0);
    append_kib(text, "CommitLimit:", memory.total_bytes);
    append_kib(text, "Committed_AS:", used);
    append_kib(text, "VmallocTotal:", 0);
    append_kib(text, "VmallocUsed:", 0);
    append_kib(text, "VmallocChunk:", 0);
    append_count(text, "HugePages_Total:", 0);
    append_count(text, "HugePages_Free:", 0);
    append_count(text, "HugePages_Rsvd:", 0);
    append_count(text, "HugePages_Surp:", 0);
    append_kib(text, "Hugepagesize:", 2048 * 1024);
}

// One CPU, which runs only the program: its user and system time (as getrusage says), and
// idle the rest of the time since boot.
void generate_system_stat(const SystemFacts& facts, TextBuffer& text) {
    CpuTimes used = facts.cpu_time();
    uint64_t uptime = facts.uptime_ns();
    auto user = static_cast<unsigned long long>(used.user_ns / ns_per_tick);
    auto system = static_cast<unsigned long long>(used.system_ns / ns_per_tick);
    auto idle = static_cast<unsigned long long>(
        (uptime > used.total_ns() ? uptime - used.total_ns() : 0) / ns_per_tick);
    text.append("cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n", user, system, idle);
    text.append("cpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n", user, system, idle);
    text.append("intr 0\nctxt 0\nbtime %llu\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n",
                static_cast<unsigned long long>(facts.boot_time_seconds()));
    text.append("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

void generate_uptime(const SystemFacts& facts, TextBuffer& text) {
    append_hundredths(text, facts.uptime_ns() / ns_per_hundredth);
    text.append(" 0.00\n");
}

// Load averages are not tracked: the one CPU runs the program's threads.
void generate_loadavg(const SystemFacts& facts, TextBuffer& text) {
    text.append("0.00 0.00 0.00 1/%zu %d\n", facts.thread_count(), facts.pid());
}

void generate_version(const SystemFacts&, TextBuffer& text) {
    text.append("Linux version %s (ingot@ingot) (Ingot) %s\n", identity::os_release,
                identity::os_version);
}

void generate_filesystems(const SystemFacts&, TextBuffer& text) {
    text.append("nodev\tsysfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\nnodev\toverlay\n"
                "nodev\t9p\n");
}

void generate_hostname(const SystemFacts&, TextBuffer& text) {
    text.append("%s\n", identity::hostname());
}

void generate_osrelease(const SystemFacts&, TextBuffer& text) {
    text.append("%s\n", identity::os_release);
}

void generate_ostype(const SystemFacts&, TextBuffer& text) {
    text.append("Linux\n");
}

// PID_MAX_DEFAULT.
void generate_pid_max(const SystemFacts&, TextBuffer& text) {
    text.append("32768\n");
}

// 2, "never overcommit": memory is backed when it is mapped accessible, and a mapping the
// frames cannot back fails with ENOMEM there (PROT_NONE reservations cost nothing, as
// Linux's accounting leaves them out too).
void generate_overcommit_memory(const SystemFacts&, TextBuffer& text) {
    text.append("2\n");
}

// The cap listen(2) puts on a backlog (net/socket.h).
void generate_somaxconn(const SystemFacts&, TextBuffer& text) {
    text.append("4096\n");
}

// The most descriptors the program can have open: the hard RLIMIT_NOFILE.
void generate_file_max(const SystemFacts& facts, TextBuffer& text) {
    text.append("%llu\n", static_cast<unsigned long long>(facts.limit(7).hard));
}

// One vCPU.
void generate_cpu_list(const SystemFacts&, TextBuffer& text) {
    text.append("0\n");
}

// No transparent huge pages: the address space maps 4 KiB pages.
void generate_transparent_hugepage(const SystemFacts&, TextBuffer& text) {
    text.append("always madvise [never]\n");
}

} // namespace kernel::synthetic
