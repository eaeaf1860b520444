#include "instance/restart_policy.h"
#include "support/error.h"

#include <gtest/gtest.h>

#include <csignal>

using namespace ingot;
using namespace std::chrono_literals;

TEST(RestartPolicy, ParsesDockersPolicies) {
    EXPECT_EQ(RestartPolicy::parse("no").kind, RestartPolicy::Kind::no);
    EXPECT_EQ(RestartPolicy::parse("always").kind, RestartPolicy::Kind::always);
    EXPECT_EQ(RestartPolicy::parse("unless-stopped").kind, RestartPolicy::Kind::unless_stopped);
    RestartPolicy unlimited = RestartPolicy::parse("on-failure");
    EXPECT_EQ(unlimited.kind, RestartPolicy::Kind::on_failure);
    EXPECT_EQ(unlimited.maximum_retries, 0);
    RestartPolicy three = RestartPolicy::parse("on-failure:3");
    EXPECT_EQ(three.maximum_retries, 3);
    EXPECT_EQ(three.text(), "on-failure:3");
    EXPECT_EQ(unlimited.text(), "on-failure");
}

TEST(RestartPolicy, RefusesWhatIsNotAPolicy) {
    for (const char* text : {"", "sometimes", "on-failure:", "on-failure:-1", "on-failure:x",
                             "on-failure:3x", "on-failure3", "always:2", "No"})
        EXPECT_THROW(RestartPolicy::parse(text), UserError) << text;
}

TEST(RestartPolicy, OnFailureRestartsFailuresUpToTheLimit) {
    RestartPolicy policy = RestartPolicy::parse("on-failure:2");
    EXPECT_FALSE(policy.should_restart(0, 0, false));
    EXPECT_TRUE(policy.should_restart(1, 0, false));
    EXPECT_TRUE(policy.should_restart(137, 1, false));
    EXPECT_FALSE(policy.should_restart(1, 2, false));
    EXPECT_TRUE(RestartPolicy::parse("on-failure").should_restart(1, 1000, false));
}

TEST(RestartPolicy, AlwaysRestartsUnlessStopped) {
    for (const char* text : {"always", "unless-stopped"}) {
        RestartPolicy policy = RestartPolicy::parse(text);
        EXPECT_TRUE(policy.should_restart(0, 0, false));
        EXPECT_TRUE(policy.should_restart(1, 50, false));
        EXPECT_FALSE(policy.should_restart(143, 0, true));
    }
    EXPECT_FALSE(RestartPolicy::parse("no").should_restart(1, 0, false));
    EXPECT_FALSE(RestartPolicy::parse("on-failure").should_restart(1, 0, true));
}

TEST(RestartPolicy, FatalSignalsOfKillStopRestartsOthersDoNot) {
    for (int signal : {SIGABRT, SIGINT, SIGKILL, SIGQUIT, SIGTERM})
        EXPECT_TRUE(stops_restarts(signal)) << signal;
    for (int signal : {SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT})
        EXPECT_FALSE(stops_restarts(signal)) << signal;
}

TEST(RestartBackoff, DoublesFrom100MillisecondsToItsLimit) {
    RestartBackoff backoff;
    EXPECT_EQ(backoff.next(1s), 100ms);
    EXPECT_EQ(backoff.next(1s), 200ms);
    EXPECT_EQ(backoff.next(1s), 400ms);
    for (int i = 0; i < 20; ++i)
        backoff.next(1s);
    EXPECT_EQ(backoff.next(1s), RestartBackoff::limit);
}

TEST(RestartBackoff, StartsAgainAfterALongRun) {
    RestartBackoff backoff;
    backoff.next(0s);
    backoff.next(0s);
    EXPECT_EQ(backoff.next(9s), 400ms);
    EXPECT_EQ(backoff.next(10s), 100ms);
}
