#include "time/clock.h"

#include "arch/x86_64/cpu.h"
#include "time/tsc_clock.h"

namespace kernel::clock {

namespace {
uint64_t tsc_at_boot;
uint64_t realtime_at_boot;
uint64_t multiplier; // tsc_clock::ticks_to_ns's
uint64_t khz;
} // namespace

void initialize(uint64_t tsc_khz, uint64_t boot_realtime_ns) {
    tsc_at_boot = cpu::read_tsc();
    realtime_at_boot = boot_realtime_ns;
    multiplier = tsc_clock::multiplier_for(tsc_khz);
    khz = tsc_khz;
}

uint64_t boot_tsc() {
    return tsc_at_boot;
}

uint64_t tsc_multiplier() {
    return multiplier;
}

uint64_t realtime_offset_ns() {
    return realtime_at_boot;
}

uint64_t tsc_to_ns(uint64_t ticks) {
    return tsc_clock::ticks_to_ns(ticks, multiplier);
}

uint64_t ns_to_tsc(uint64_t ns) {
    auto ticks = static_cast<unsigned __int128>(ns) * khz / 1000000;
    return ticks > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(ticks);
}

uint64_t monotonic_ns() {
    return tsc_to_ns(cpu::read_tsc() - tsc_at_boot);
}

uint64_t realtime_ns() {
    return realtime_at_boot + monotonic_ns();
}

} // namespace kernel::clock
