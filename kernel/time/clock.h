// Time from the TSC: the monitor tells its frequency and the wall-clock time at boot, so
// reading the time never costs a hypercall.
#pragma once

#include <stdint.h>

namespace kernel::clock {

void initialize(uint64_t tsc_khz, uint64_t boot_realtime_ns);
uint64_t monotonic_ns();
uint64_t realtime_ns();
uint64_t boot_tsc(); // monotonic time counts from it
// tsc_clock::ticks_to_ns's multiplier, and realtime_ns() - monotonic_ns(): what the vDSO's data
// page (linux/vdso/vdso_data.h) carries.
uint64_t tsc_multiplier();
uint64_t realtime_offset_ns();
uint64_t tsc_to_ns(uint64_t ticks);
uint64_t ns_to_tsc(uint64_t ns);

inline constexpr uint64_t ns_per_second = 1000000000;

} // namespace kernel::clock
