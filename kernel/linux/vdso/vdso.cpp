// The vDSO's code: clock_gettime, gettimeofday, time, getcpu and clock_getres read in the
// program, from the TSC and the kernel's [vvar] page just below the vDSO, without a syscall.
// What it cannot answer (CPU-time clocks, bad ids, a timezone, a TSC the kernel calls unusable)
// goes to the syscall, so errors are the kernel's own. Built position-independent with no
// relocations (CMakeLists.txt checks): every address is RIP-relative.
#include "linux/clock_ids.h"
#include "linux/syscall_numbers.h"
#include "linux/vdso/vdso_data.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

#include <stdint.h>

namespace {

using namespace kernel;

struct Timespec {
    int64_t seconds, nanoseconds;
};
struct Timeval {
    int64_t seconds, microseconds;
};

// The first byte of the vDSO; the linker defines it for every ELF it links.
extern "C" const char __ehdr_start[] __attribute__((visibility("hidden")));

const volatile vdso::Data& data() {
    // The [vvar] page is the one just below (vdso_mapping.cpp). The empty asm hides where the
    // address came from: the compiler would otherwise see an access before __ehdr_start.
    uintptr_t start;
    asm("" : "=r"(start) : "0"(__ehdr_start));
    return *reinterpret_cast<const volatile vdso::Data*>(start - ingot::abi::page_size);
}

long syscall2(long number, long first, long second) {
    long result;
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(first), "S"(second)
                 : "rcx", "r11", "memory");
    return result;
}

uint64_t read_tsc() {
    uint32_t low, high;
    // LFENCE first, as Linux's rdtsc_ordered: the TSC is not read ahead of the data page.
    asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    return (static_cast<uint64_t>(high) << 32) | low;
}

// The data page's fields, whole: retried while the kernel updates them.
vdso::ClockParameters read_page() {
    vdso::ClockParameters parameters;
    while (!vdso::try_read(data(), parameters))
        asm volatile("pause");
    return parameters;
}

enum class Clock { Realtime, Monotonic, Other };

// The clocks the vDSO serves, read as the kernel reads them. The alarm clocks go to the kernel,
// as Linux's vDSO leaves them, with the CPU-time clocks and bad ids.
Clock clock_of(int id) {
    switch (id) {
    case clock_id::realtime:
    case clock_id::realtime_coarse:
    case clock_id::tai:
    case clock_id::monotonic:
    case clock_id::monotonic_raw:
    case clock_id::monotonic_coarse:
    case clock_id::boottime:
        return clock_id::reads_realtime(id) ? Clock::Realtime : Clock::Monotonic;
    default:
        return Clock::Other;
    }
}

// Reads `clock` from the TSC. False: the caller makes the syscall. The parameters hold for
// any later TSC reading (the kernel changes no base as time passes), so the TSC is read after
// them.
bool read_ns(Clock clock, uint64_t& ns) {
    if (clock == Clock::Other)
        return false;
    vdso::ClockParameters parameters = read_page();
    if (!(parameters.flags & vdso::flag_tsc_usable))
        return false;
    uint64_t tsc = read_tsc();
    ns = clock == Clock::Realtime ? vdso::realtime_ns(parameters, tsc)
                                  : vdso::monotonic_ns(parameters, tsc);
    return true;
}

} // namespace

extern "C" {

int __vdso_clock_gettime(int id, Timespec* time) {
    uint64_t ns;
    if (!read_ns(clock_of(id), ns))
        return static_cast<int>(syscall2(nr::clock_gettime, id, reinterpret_cast<long>(time)));
    time->seconds = static_cast<int64_t>(ns / clock::ns_per_second);
    time->nanoseconds = static_cast<int64_t>(ns % clock::ns_per_second);
    return 0;
}

int __vdso_gettimeofday(Timeval* time, void* zone) {
    uint64_t ns;
    if (zone || !read_ns(Clock::Realtime, ns))
        return static_cast<int>(
            syscall2(nr::gettimeofday, reinterpret_cast<long>(time), reinterpret_cast<long>(zone)));
    if (time) {
        time->seconds = static_cast<int64_t>(ns / clock::ns_per_second);
        time->microseconds = static_cast<int64_t>(ns % clock::ns_per_second / 1000);
    }
    return 0;
}

long __vdso_time(long* seconds) {
    uint64_t ns;
    if (!read_ns(Clock::Realtime, ns))
        return syscall2(nr::time, reinterpret_cast<long>(seconds), 0);
    long now = static_cast<long>(ns / clock::ns_per_second);
    if (seconds)
        *seconds = now;
    return now;
}

int __vdso_getcpu(uint32_t* cpu, uint32_t* node, void*) {
    vdso::ClockParameters parameters = read_page();
    if (cpu)
        *cpu = parameters.cpu;
    if (node)
        *node = parameters.node;
    return 0;
}

int __vdso_clock_getres(int id, Timespec* resolution) {
    if (clock_of(id) == Clock::Other)
        return static_cast<int>(syscall2(nr::clock_getres, id, reinterpret_cast<long>(resolution)));
    if (resolution) {
        resolution->seconds = 0;
        resolution->nanoseconds = tsc_clock::resolution_ns;
    }
    return 0;
}

// The names without the prefix, weak, as Linux's vDSO exports them too.
int clock_gettime(int, Timespec*) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(Timeval*, void*) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long*) __attribute__((weak, alias("__vdso_time")));
int getcpu(uint32_t*, uint32_t*, void*) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, Timespec*) __attribute__((weak, alias("__vdso_clock_getres")));
}
