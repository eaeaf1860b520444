// /proc/self: the one process, pid 1 as getpid answers. Formats: fs/proc/array.c
// (status, stat, statm), fs/proc/base.c (cmdline, environ, comm, limits, cgroup), proc(5).
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/process_usage.h"
#include "fs/synthetic/text_layout.h"
#include "lib/format.h"

namespace kernel::synthetic {

namespace {

constexpr uint64_t page_size = 4096;
constexpr uint64_t ticks_per_second = 100; // USER_HZ, as AT_CLKTCK says
constexpr uint64_t unlimited = ~0ull;

unsigned long long pages(uint64_t bytes) {
    return static_cast<unsigned long long>(bytes / page_size);
}

const char* program_name(const SystemFacts& facts) {
    return facts.argument_count() ? facts.argument(0) : facts.program_path();
}

void append_memory_line(TextBuffer& text, const char* label, uint64_t bytes) {
    text.append("%s", label);
    append_right(text, bytes / 1024, 8);
    text.append(" kB\n");
}

void append_strings(TextBuffer& text, size_t count,
                    const char* (*string)(const SystemFacts&, size_t), const SystemFacts& facts) {
    for (size_t i = 0; i < count; ++i) {
        const char* value = string(facts, i);
        size_t length = 0;
        while (value[length])
            ++length;
        text.append_bytes(value, length + 1); // with its NUL, as the stack holds it
    }
}

} // namespace

void generate_pid(const SystemFacts& facts, TextBuffer& text) {
    text.append("%d", facts.pid());
}

void generate_exe(const SystemFacts& facts, TextBuffer& text) {
    text.append("%s", facts.program_path());
}

void generate_comm(const SystemFacts& facts, TextBuffer& text) {
    append_comm(text, program_name(facts));
    text.append("\n");
}

void generate_cmdline(const SystemFacts& facts, TextBuffer& text) {
    append_strings(
        text, facts.argument_count(), [](const SystemFacts& f, size_t i) { return f.argument(i); },
        facts);
}

void generate_environ(const SystemFacts& facts, TextBuffer& text) {
    append_strings(
        text, facts.environment_count(),
        [](const SystemFacts& f, size_t i) { return f.environment(i); }, facts);
}

// cgroup v2, the root group: what a container's own view shows.
void generate_cgroup(const SystemFacts&, TextBuffer& text) {
    text.append("0::/\n");
}

void generate_status(const SystemFacts& facts, TextBuffer& text) {
    ProcessUsage usage = measure_usage(facts);
    int pid = facts.pid();
    text.append("Name:\t");
    append_comm(text, program_name(facts));
    uint32_t mask = facts.umask();
    text.append("\nUmask:\t0%c%c%c\n", '0' + ((mask >> 6) & 7), '0' + ((mask >> 3) & 7),
                '0' + (mask & 7));
    text.append("State:\tR (running)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t0\nTracerPid:\t0\n",
                pid, pid);
    text.append("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%llu\nGroups:\t\n",
                static_cast<unsigned long long>(facts.limit(7).soft));
    text.append("NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", pid, pid, pid, pid);
    append_memory_line(text, "VmPeak:\t", usage.size);
    append_memory_line(text, "VmSize:\t", usage.size);
    append_memory_line(text, "VmLck:\t", 0);
    append_memory_line(text, "VmPin:\t", 0);
    append_memory_line(text, "VmHWM:\t", usage.resident);
    append_memory_line(text, "VmRSS:\t", usage.resident);
    append_memory_line(text, "RssAnon:\t", usage.resident);
    append_memory_line(text, "RssFile:\t", 0);
    append_memory_line(text, "RssShmem:\t", 0);
    append_memory_line(text, "VmData:\t", usage.data);
    append_memory_line(text, "VmStk:\t", usage.stack);
    append_memory_line(text, "VmExe:\t", usage.text);
    append_memory_line(text, "VmLib:\t", 0);
    append_memory_line(text, "VmPTE:\t", 0);
    append_memory_line(text, "VmSwap:\t", 0);
    text.append("Threads:\t%zu\n", facts.thread_count());
    text.append("SigQ:\t0/%llu\n", static_cast<unsigned long long>(facts.limit(11).soft));
    text.append("SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
                "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
                "SigCgt:\t0000000000000000\n");
    // The program runs as root with every capability Linux 6.1 defines (0 to 40).
    text.append("CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
                "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n");
    text.append("Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"
                "Mems_allowed_list:\t0\n");
    text.append("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

// proc(5)'s 52 fields; times in clock ticks.
void generate_process_stat(const SystemFacts& facts, TextBuffer& text) {
    ProcessUsage usage = measure_usage(facts);
    int pid = facts.pid();
    CpuTimes used = facts.cpu_time();
    constexpr uint64_t ns_per_tick = 1'000'000'000 / ticks_per_second;
    auto user_ticks = static_cast<unsigned long long>(used.user_ns / ns_per_tick);
    auto system_ticks = static_cast<unsigned long long>(used.system_ns / ns_per_tick);
    text.append("%d (", pid);
    append_comm(text, program_name(facts));
    // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice num_threads itrealvalue starttime vsize rss rsslim
    text.append(") R 0 %d %d 0 -1 4194304 0 0 0 0 %llu %llu 0 0 20 0 %zu 0 0 %llu %llu %llu ", pid,
                pid, user_ticks, system_ticks, facts.thread_count(),
                static_cast<unsigned long long>(usage.size), pages(usage.resident),
                static_cast<unsigned long long>(facts.limit(5).soft));
    // startcode endcode startstack kstkesp kstkeip signal blocked sigignore sigcatch wchan
    // nswap cnswap exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time
    // cguest_time
    text.append("%llu %llu %llu 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 ",
                static_cast<unsigned long long>(usage.start_code),
                static_cast<unsigned long long>(usage.end_code),
                static_cast<unsigned long long>(usage.start_stack));
    // start_data end_data start_brk arg_start arg_end env_start env_end exit_code
    text.append("0 0 %llu 0 0 0 0 0\n", static_cast<unsigned long long>(usage.start_brk));
}

// size resident shared text lib data dt, in pages.
void generate_statm(const SystemFacts& facts, TextBuffer& text) {
    ProcessUsage usage = measure_usage(facts);
    text.append("%llu %llu 0 %llu 0 %llu 0\n", pages(usage.size), pages(usage.resident),
                pages(usage.text), pages(usage.data + usage.stack));
}

void generate_limits(const SystemFacts& facts, TextBuffer& text) {
    struct LimitName {
        const char* name;
        const char* unit;
    };
    static const LimitName names[limit_count] = {
        {"Max cpu time", "seconds"},        {"Max file size", "bytes"},
        {"Max data size", "bytes"},         {"Max stack size", "bytes"},
        {"Max core file size", "bytes"},    {"Max resident set", "bytes"},
        {"Max processes", "processes"},     {"Max open files", "files"},
        {"Max locked memory", "bytes"},     {"Max address space", "bytes"},
        {"Max file locks", "locks"},        {"Max pending signals", "signals"},
        {"Max msgqueue size", "bytes"},     {"Max nice priority", nullptr},
        {"Max realtime priority", nullptr}, {"Max realtime timeout", "us"},
    };
    auto value = [&](uint64_t limit) {
        char digits[24];
        if (limit == unlimited)
            return append_left(text, "unlimited", 20);
        format_within(digits, sizeof digits, "%llu", static_cast<unsigned long long>(limit));
        append_left(text, digits, 20);
    };
    append_left(text, "Limit", 25);
    text.append(" ");
    append_left(text, "Soft Limit", 20);
    text.append(" ");
    append_left(text, "Hard Limit", 20);
    text.append(" ");
    append_left(text, "Units", 10);
    text.append("\n");
    for (int i = 0; i < limit_count; ++i) {
        LimitFacts limit = facts.limit(i);
        append_left(text, names[i].name, 25);
        text.append(" ");
        value(limit.soft);
        text.append(" ");
        value(limit.hard);
        text.append(" ");
        if (names[i].unit)
            append_left(text, names[i].unit, 10);
        text.append("\n");
    }
}

} // namespace kernel::synthetic
