#include "time/interval_timer.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using kernel::IntervalTimer;

constexpr uint64_t ms = 1000000;

TEST(IntervalTimer, StartsDisarmedAndNeverExpires) {
    IntervalTimer timer;
    EXPECT_EQ(timer.deadline_ns(), 0u);
    EXPECT_FALSE(timer.expire(UINT64_MAX));
    auto setting = timer.read(5 * ms);
    EXPECT_EQ(setting.value_ns, 0u);
    EXPECT_EQ(setting.interval_ns, 0u);
}

TEST(IntervalTimer, OneShotExpiresOnceAtItsDeadline) {
    IntervalTimer timer;
    timer.set(100 * ms, {50 * ms, 0});
    EXPECT_EQ(timer.deadline_ns(), 150 * ms);
    EXPECT_EQ(timer.read(120 * ms).value_ns, 30 * ms);
    EXPECT_FALSE(timer.expire(150 * ms - 1));
    EXPECT_TRUE(timer.expire(150 * ms));
    EXPECT_EQ(timer.deadline_ns(), 0u);
    EXPECT_FALSE(timer.expire(500 * ms));
    EXPECT_EQ(timer.read(500 * ms).value_ns, 0u);
}

TEST(IntervalTimer, IntervalReArmsFromTheDeadlineNotFromNow) {
    IntervalTimer timer;
    timer.set(0, {10 * ms, 10 * ms});
    EXPECT_TRUE(timer.expire(13 * ms));
    EXPECT_EQ(timer.deadline_ns(), 20 * ms);
    // Expiries missed while nobody looked count as one; the next stays on the 10 ms grid.
    EXPECT_TRUE(timer.expire(47 * ms));
    EXPECT_EQ(timer.deadline_ns(), 50 * ms);
    EXPECT_EQ(timer.read(47 * ms).interval_ns, 10 * ms);
}

TEST(IntervalTimer, AnArmedTimerNeverReadsAsDisarmed) {
    IntervalTimer timer;
    timer.set(0, {10 * ms, 0});
    EXPECT_EQ(timer.read(10 * ms).value_ns, 1000u);
    EXPECT_EQ(timer.read(99 * ms).value_ns, 1000u);
}

TEST(IntervalTimer, ZeroValueDisarmsAndDropsTheInterval) {
    IntervalTimer timer;
    timer.set(0, {10 * ms, 5 * ms});
    auto previous = timer.set(4 * ms, {0, 7 * ms});
    EXPECT_EQ(previous.value_ns, 6 * ms);
    EXPECT_EQ(previous.interval_ns, 5 * ms);
    EXPECT_EQ(timer.deadline_ns(), 0u);
    EXPECT_EQ(timer.read(4 * ms).interval_ns, 0u);
    EXPECT_FALSE(timer.expire(UINT64_MAX));
}

TEST(IntervalTimer, FarFutureValuesSaturateInsteadOfWrapping) {
    IntervalTimer timer;
    timer.set(UINT64_MAX - 5, {100, UINT64_MAX / 2});
    EXPECT_EQ(timer.deadline_ns(), UINT64_MAX);
    timer.set(10, {5, UINT64_MAX});
    EXPECT_TRUE(timer.expire(100));
    EXPECT_EQ(timer.deadline_ns(), UINT64_MAX);
}

} // namespace
