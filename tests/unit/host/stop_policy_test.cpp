// The stop policy both platforms share: first signal, second signal, grace deadline.
#include "support/stop_policy.h"

#include <gtest/gtest.h>

#include <csignal>

namespace {

using namespace ingot;
using namespace std::chrono_literals;

const StopPolicy::Clock::time_point start{};

TEST(StopPolicy, FirstSigtermGoesToTheProgramAndSetsTheDeadline) {
    StopPolicy policy(10s);
    EXPECT_FALSE(policy.deadline());
    EXPECT_FALSE(policy.on_signal(SIGTERM, start));
    ASSERT_TRUE(policy.deadline());
    EXPECT_EQ(*policy.deadline(), start + 10s);
}

TEST(StopPolicy, DeadlineStopsWithTheFirstSignalsStatus) {
    StopPolicy policy(1s);
    EXPECT_FALSE(policy.on_signal(SIGTERM, start));
    EXPECT_FALSE(policy.on_time(start + 999ms));
    auto stop = policy.on_time(start + 1s);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 143);
    EXPECT_EQ(stop->message, "ingot: the program was stopped: still running 1 s after SIGTERM");
}

TEST(StopPolicy, DeadlineAfterSigintIsStillExplained) {
    StopPolicy policy(2500ms);
    EXPECT_FALSE(policy.on_signal(SIGINT, start));
    auto stop = policy.on_time(start + 3s);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 130);
    EXPECT_EQ(stop->message, "ingot: the program was stopped: still running 2.5 s after SIGINT");
}

TEST(StopPolicy, SecondSignalStopsAtOnce) {
    StopPolicy policy(10s);
    EXPECT_FALSE(policy.on_signal(SIGTERM, start));
    auto stop = policy.on_signal(SIGTERM, start + 1s);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 143);
    EXPECT_EQ(stop->message, "ingot: the program was stopped by SIGTERM (a second signal)");
}

TEST(StopPolicy, SecondSigintStopsSilently) {
    StopPolicy policy(10s);
    EXPECT_FALSE(policy.on_signal(SIGINT, start));
    auto stop = policy.on_signal(SIGINT, start);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 130);
    EXPECT_EQ(stop->message, "");
}

TEST(StopPolicy, SighupAloneOnlyGoesToTheProgram) {
    StopPolicy policy(1s);
    EXPECT_FALSE(policy.on_signal(SIGHUP, start));
    EXPECT_FALSE(policy.on_signal(SIGHUP, start + 1s));
    EXPECT_FALSE(policy.deadline());
    EXPECT_FALSE(policy.on_time(start + 1h));
    // ...but once a stop is under way, it is a second signal.
    EXPECT_FALSE(policy.on_signal(SIGTERM, start + 2s));
    auto stop = policy.on_signal(SIGHUP, start + 2s);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 129);
}

TEST(StopPolicy, ClosedOutputIsAStopRequestAndSilent) {
    StopPolicy policy(1s);
    EXPECT_FALSE(policy.on_signal(SIGPIPE, start));
    auto stop = policy.on_time(start + 1s);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 141);
    auto second = StopPolicy(1s);
    EXPECT_FALSE(second.on_signal(SIGPIPE, start));
    auto at_once = second.on_signal(SIGPIPE, start);
    ASSERT_TRUE(at_once);
    EXPECT_EQ(at_once->message, "");
}

TEST(StopPolicy, WithoutGraceTheProgramMayTakeForever) {
    StopPolicy policy(std::nullopt);
    EXPECT_FALSE(policy.on_signal(SIGTERM, start));
    EXPECT_FALSE(policy.deadline());
    EXPECT_FALSE(policy.on_time(start + 24h));
    EXPECT_TRUE(policy.on_signal(SIGINT, start + 24h));
}

TEST(StopPolicy, ZeroGraceStopsAtTheFirstSignal) {
    StopPolicy policy(0s);
    auto stop = policy.on_signal(SIGTERM, start);
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->status, 143);
}

TEST(StopPolicy, BeforeStartNamesTheSignalExceptSigint) {
    StopPolicy policy(10s);
    EXPECT_EQ(policy.before_start(SIGTERM).status, 143);
    EXPECT_EQ(policy.before_start(SIGTERM).message,
              "ingot: the program was stopped by SIGTERM before it started");
    EXPECT_EQ(policy.before_start(SIGINT).message, "");
}

TEST(ForwardedSignals, AnIgnoredSignalIsNotForwarded) {
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &ignore, &previous);
    sigset_t forwarded = forwarded_signals();
    sigaction(SIGHUP, &previous, nullptr);
    EXPECT_FALSE(sigismember(&forwarded, SIGHUP));
    EXPECT_TRUE(sigismember(&forwarded, SIGINT));
    EXPECT_TRUE(sigismember(&forwarded, SIGTERM));
}

} // namespace
