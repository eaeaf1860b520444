// The TSC-to-nanoseconds conversion, written once for the kernel's clock (time/clock.cpp) and
// the vDSO (linux/vdso/), which runs it in the program without entering the kernel: header
// only, freestanding, no library calls (the 128-bit product is one MUL instruction).
#pragma once

#include <stdint.h>

namespace kernel::tsc_clock {

// ns = ticks * multiplier >> shift, exact enough for any TSC between 1 MHz and 4 THz.
inline constexpr uint32_t shift = 32;

// What clock_getres answers for every clock read from the TSC.
inline constexpr uint64_t resolution_ns = 1;

// The multiplier for a TSC of `khz` kHz (not 0), rounded to nearest.
constexpr uint64_t multiplier_for(uint64_t khz) {
    return ((1000000ull << shift) + khz / 2) / khz;
}

constexpr uint64_t ticks_to_ns(uint64_t ticks, uint64_t multiplier) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(ticks) * multiplier) >> shift);
}

} // namespace kernel::tsc_clock
