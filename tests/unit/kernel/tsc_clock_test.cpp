#include "time/tsc_clock.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

namespace tsc_clock = kernel::tsc_clock;

TEST(TscClock, OneGigahertzCountsNanoseconds) {
    uint64_t multiplier = tsc_clock::multiplier_for(1'000'000);
    EXPECT_EQ(multiplier, 1ull << 32);
    EXPECT_EQ(tsc_clock::ticks_to_ns(0, multiplier), 0u);
    EXPECT_EQ(tsc_clock::ticks_to_ns(123'456'789, multiplier), 123'456'789u);
}

TEST(TscClock, AnHourIsOffByNoMoreThanTheMultipliersRounding) {
    // Rounding the multiplier to nearest errs by at most half a unit in `multiplier`, so by a
    // fraction 1 / (2 * multiplier) of the time, plus the nanosecond the shift truncates:
    // about a microsecond an hour at 3 GHz.
    for (uint64_t khz : {1'000ull, 2'400'000ull, 2'999'999ull, 3'187'654ull, 4'000'000'000ull}) {
        uint64_t multiplier = tsc_clock::multiplier_for(khz);
        uint64_t exact = 3600ull * 1'000'000'000;
        uint64_t ns = tsc_clock::ticks_to_ns(khz * 1000 * 3600, multiplier);
        uint64_t error = ns > exact ? ns - exact : exact - ns;
        EXPECT_LE(error, exact / (2 * multiplier) + 1) << khz << " kHz";
        if (khz >= 1'000'000 && khz <= 5'000'000) {
            EXPECT_LE(error, 2000u) << khz << " kHz: a GHz TSC keeps within 2 us an hour";
        }
    }
}

TEST(TscClock, TheProductDoesNotOverflowSixtyFourBits) {
    // A 1 MHz TSC after 2^63 ticks: the product needs 128 bits before the shift.
    uint64_t multiplier = tsc_clock::multiplier_for(1'000);
    EXPECT_EQ(tsc_clock::ticks_to_ns(1ull << 40, multiplier), (1ull << 40) * 1000);
}

TEST(TscClock, ConversionIsMonotonic) {
    uint64_t multiplier = tsc_clock::multiplier_for(2'893'437);
    uint64_t previous = 0;
    for (uint64_t ticks = 0; ticks < 100'000; ticks += 7) {
        uint64_t ns = tsc_clock::ticks_to_ns(ticks, multiplier);
        ASSERT_GE(ns, previous);
        previous = ns;
    }
}

} // namespace
