#include "sched/cpu_time.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using kernel::CpuTimeAccount;

constexpr uint64_t ms = 1000000;

TEST(CpuTimeAccount, CountsNothingBeforeTheThreadRuns) {
    CpuTimeAccount account;
    EXPECT_EQ(account.read(100 * ms).total_ns(), 0u);
    account.enter_kernel(10 * ms);
    account.leave_kernel(20 * ms);
    EXPECT_EQ(account.read(100 * ms).total_ns(), 0u);
}

TEST(CpuTimeAccount, SplitsUserAndSystemTimeAtSystemCalls) {
    CpuTimeAccount account;
    account.resume(100 * ms); // a new thread starts in the program
    account.enter_kernel(130 * ms);
    account.leave_kernel(135 * ms);
    auto times = account.read(150 * ms); // the running stretch counts
    EXPECT_EQ(times.user_ns, 45 * ms);
    EXPECT_EQ(times.system_ns, 5 * ms);
}

TEST(CpuTimeAccount, TimeOffTheCpuIsNobodys) {
    CpuTimeAccount account;
    account.resume(0);
    account.enter_kernel(10 * ms);
    account.stop(12 * ms); // blocks in a system call
    EXPECT_EQ(account.read(500 * ms).system_ns, 2 * ms);
    account.resume(400 * ms);
    account.leave_kernel(401 * ms);
    auto times = account.read(411 * ms);
    EXPECT_EQ(times.user_ns, 20 * ms);
    EXPECT_EQ(times.system_ns, 3 * ms);
}

TEST(CpuTimeAccount, PreemptedInTheProgramResumesThere) {
    CpuTimeAccount account;
    account.resume(0);
    account.stop(5 * ms); // a tick took the CPU away
    account.resume(50 * ms);
    EXPECT_EQ(account.read(60 * ms).user_ns, 15 * ms);
    EXPECT_EQ(account.read(60 * ms).system_ns, 0u);
}

TEST(CpuTimeAccount, RepeatedStopsAndResumesCountOnce) {
    CpuTimeAccount account;
    account.resume(0);
    account.resume(5 * ms); // already running: the stretch began at 0
    account.stop(10 * ms);
    account.stop(20 * ms);
    EXPECT_EQ(account.read(30 * ms).user_ns, 10 * ms);
}

TEST(CpuTimeAccount, AClockReadingFromBeforeCountsNothing) {
    CpuTimeAccount account;
    account.resume(100 * ms);
    EXPECT_EQ(account.read(90 * ms).total_ns(), 0u);
    account.enter_kernel(90 * ms);
    EXPECT_EQ(account.read(90 * ms).total_ns(), 0u);
}

TEST(CpuTimes, AddsUp) {
    kernel::CpuTimes total{1, 2};
    total += kernel::CpuTimes{10, 20};
    EXPECT_EQ(total.user_ns, 11u);
    EXPECT_EQ(total.system_ns, 22u);
    EXPECT_EQ(total.total_ns(), 33u);
}

} // namespace
