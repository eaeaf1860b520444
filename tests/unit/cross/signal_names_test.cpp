// The signal names the host and the guest kernel print: Linux's, and no number where a name
// exists.
#include <ingot/signal_names.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <string>

namespace {

using ingot::signal_name;

TEST(SignalNames, AgreeWithTheCLibrary) {
    for (int signal = 1; signal < 32; ++signal) {
        if (signal == SIGIO)
            continue; // glibc says SIGPOLL, its System V alias; kill -l and signal(7) say SIGIO
        EXPECT_EQ(std::string(signal_name(signal).text), std::string("SIG") + sigabbrev_np(signal))
            << signal;
    }
    EXPECT_STREQ(signal_name(SIGIO).text, "SIGIO");
}

TEST(SignalNames, RealTimeSignalsCountFromTheProgramsSigrtmin) {
    EXPECT_STREQ(signal_name(SIGRTMIN).text, "SIGRTMIN");
    EXPECT_STREQ(signal_name(SIGRTMIN + 3).text, "SIGRTMIN+3");
    EXPECT_STREQ(signal_name(SIGRTMAX - 1).text, "SIGRTMIN+29");
    EXPECT_STREQ(signal_name(SIGRTMAX).text, "SIGRTMAX");
}

TEST(SignalNames, OthersAreNumbered) {
    EXPECT_STREQ(signal_name(0).text, "signal 0");
    EXPECT_STREQ(signal_name(32).text, "signal 32");
    EXPECT_STREQ(signal_name(65).text, "signal 65");
    EXPECT_LT(std::strlen(signal_name(-1).text), sizeof signal_name(-1).text);
}

} // namespace
