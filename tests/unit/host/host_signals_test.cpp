// The hvt monitor's host signals: forwarding, the second signal, and the stop timer that
// must interrupt KVM_RUN at the deadline (here: it must be pending once the deadline passed).
#include "vmm/host_signals.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace ingot {
namespace {

using namespace std::chrono_literals;

// HostSignals changes the process's handlers and mask for good (the monitor exits after the
// run): put them back for the other tests.
class HostSignalsTest : public ::testing::Test {
protected:
    void SetUp() override {
        sigprocmask(SIG_SETMASK, nullptr, &m_mask);
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
            sigaction(signal, nullptr, &m_actions[signal]);
        sigaction(SIGRTMIN, nullptr, &m_actions[SIGRTMIN]);
    }
    void TearDown() override {
        // Pending signals of ours must not fire once unblocked.
        timespec no_wait{0, 0};
        sigset_t all;
        sigfillset(&all);
        while (sigtimedwait(&all, nullptr, &no_wait) > 0) {
        }
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
            sigaction(signal, &m_actions[signal], nullptr);
        sigaction(SIGRTMIN, &m_actions[SIGRTMIN], nullptr);
        sigprocmask(SIG_SETMASK, &m_mask, nullptr);
    }

    // take() with a guest that takes everything; the signals it was given in `posted`.
    std::optional<int> take(HostSignals& signals) {
        return signals.take([this](uint64_t bits) {
            posted |= bits;
            return true;
        });
    }

    uint64_t posted = 0;

private:
    sigset_t m_mask;
    struct sigaction m_actions[65] = {};
};

uint64_t bit(int signal) {
    return uint64_t(1) << (signal - 1);
}

TEST_F(HostSignalsTest, FirstSignalGoesToTheGuestSecondStops) {
    ingot_test::RedirectedDescriptor err(2);
    HostSignals signals(10s);
    EXPECT_FALSE(take(signals));
    raise(SIGTERM); // blocked: pending until take() looks
    EXPECT_FALSE(take(signals));
    EXPECT_EQ(posted, bit(SIGTERM));
    raise(SIGTERM);
    EXPECT_EQ(take(signals), 143);
    std::fflush(stderr);
    EXPECT_EQ(err.contents(), "ingot: the program was stopped by SIGTERM (a second signal)\n");
}

TEST_F(HostSignalsTest, TheWaitingMaskLetsTheSignalsAndTheTimerIn) {
    HostSignals signals(10s);
    const sigset_t& waiting = signals.waiting_mask();
    EXPECT_EQ(sigismember(&waiting, SIGTERM), 0);
    EXPECT_EQ(sigismember(&waiting, SIGINT), 0);
    EXPECT_EQ(sigismember(&waiting, SIGRTMIN), 0);
    sigset_t now;
    sigprocmask(SIG_SETMASK, nullptr, &now);
    EXPECT_EQ(sigismember(&now, SIGTERM), 1); // blocked outside the waits
}

TEST_F(HostSignalsTest, TheTimerFiresAtTheDeadline) {
    ingot_test::RedirectedDescriptor err(2);
    HostSignals signals(50ms);
    raise(SIGINT);
    EXPECT_FALSE(take(signals));
    EXPECT_EQ(posted, bit(SIGINT));
    // The timer's signal is what ends a guest spinning in KVM_RUN: it must come.
    sigset_t timer;
    sigemptyset(&timer);
    sigaddset(&timer, SIGRTMIN);
    timespec patience{5, 0};
    siginfo_t info;
    ASSERT_EQ(sigtimedwait(&timer, &info, &patience), SIGRTMIN);
    EXPECT_EQ(take(signals), 130);
    std::fflush(stderr);
    EXPECT_EQ(err.contents(),
              "ingot: the program was stopped: still running 0.05 s after SIGINT\n");
}

TEST_F(HostSignalsTest, AGuestNotReadyStopsAtOnce) {
    ingot_test::RedirectedDescriptor err(2);
    HostSignals signals(10s);
    raise(SIGHUP);
    EXPECT_EQ(signals.take([](uint64_t) { return false; }), 129);
    std::fflush(stderr);
    EXPECT_EQ(err.contents(), "ingot: the program was stopped by SIGHUP before it started\n");
}

TEST_F(HostSignalsTest, AnIgnoredSignalStaysIgnored) {
    std::signal(SIGHUP, SIG_IGN);
    HostSignals signals(10s);
    struct sigaction action {};
    sigaction(SIGHUP, nullptr, &action);
    EXPECT_EQ(action.sa_handler, SIG_IGN);
    raise(SIGHUP);
    EXPECT_FALSE(take(signals));
    EXPECT_EQ(posted, 0u);
}

} // namespace
} // namespace ingot
