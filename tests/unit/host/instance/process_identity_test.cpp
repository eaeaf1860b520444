#include "instance/instance_status.h"
#include "instance/process_identity.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

using namespace ingot;

TEST(ProcessIdentity, StartTimeIsField22EvenWithParenthesesInTheName) {
    std::string fields = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242 20 21";
    EXPECT_EQ(parse_stat_start_time("123 (ingot)" + fields), 424242u);
    EXPECT_EQ(parse_stat_start_time("123 (a) b (c))" + fields), 424242u);
    EXPECT_FALSE(parse_stat_start_time("123 (short) S 1 2"));
    EXPECT_FALSE(parse_stat_start_time("no parenthesis"));
    EXPECT_FALSE(parse_stat_start_time("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4x"));
}

TEST(ProcessIdentity, AMatchNeedsThePidItsStartAndTheBoot) {
    ProcessIdentity recorded{100, 5000, "boot-a"};
    EXPECT_TRUE(same_process(recorded, ProcessIdentity{100, 5000, "boot-a"}));
    EXPECT_FALSE(same_process(recorded, std::nullopt));                         // gone
    EXPECT_FALSE(same_process(recorded, ProcessIdentity{100, 5001, "boot-a"})); // pid reused
    EXPECT_FALSE(same_process(recorded, ProcessIdentity{100, 5000, "boot-b"})); // rebooted
    EXPECT_FALSE(same_process(ProcessIdentity{0, 0, ""}, ProcessIdentity{0, 0, ""}));
}

TEST(ProcessIdentity, ThisProcessRunsAndAFakeRecordDoesNot) {
    auto self = identify_process(getpid());
    ASSERT_TRUE(self);
    EXPECT_FALSE(self->boot_id.empty());
    EXPECT_TRUE(is_running(*self));
    ProcessIdentity other_boot = *self;
    other_boot.boot_id = "00000000-0000-0000-0000-000000000000";
    EXPECT_FALSE(is_running(other_boot));
    ProcessIdentity other_start = *self;
    other_start.start_time += 1;
    EXPECT_FALSE(is_running(other_start));
    EXPECT_GT(resident_memory(getpid()), 0u);
}

// A child that starts a grandchild, both sleeping: both are found, and neither once gone.
TEST(ProcessIdentity, DescendantsAreChildrenAndTheirs) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (fork() == 0) {
            close(ready[1]);
            pause();
            _exit(0);
        }
        close(ready[1]);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char byte;
    ASSERT_EQ(read(ready[0], &byte, 1), 0) << "both closed their end: both exist";
    close(ready[0]);
    auto found = descendants(getpid());
    auto has = [&](pid_t pid) {
        return std::any_of(found.begin(), found.end(),
                           [pid](const ProcessIdentity& each) { return each.pid == pid; });
    };
    EXPECT_TRUE(has(child));
    auto of_child = descendants(child);
    ASSERT_EQ(of_child.size(), 1u);
    EXPECT_TRUE(has(of_child[0].pid));
    EXPECT_TRUE(is_running(of_child[0]));
    kill(of_child[0].pid, SIGKILL);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    EXPECT_TRUE(descendants(child).empty());
}

TEST(InstanceStatus, ARunningStateWithoutItsSupervisorIsLost) {
    InstanceState state;
    EXPECT_EQ(describe_status(state, false), "created");
    state.supervisor = {4242, 1, "boot"};
    EXPECT_EQ(describe_status(state, false), "exited (unknown: supervisor lost)");
    state.status = "running";
    EXPECT_EQ(describe_status(state, true), "running");
    EXPECT_EQ(describe_status(state, false), "exited (unknown: supervisor lost)");
    state.status = "restarting";
    EXPECT_EQ(describe_status(state, false), "exited (unknown: supervisor lost)");
    state.status = "exited";
    state.exit_code = 0;
    EXPECT_EQ(describe_status(state, false), "exited (0)");
    state.exit_code = 137;
    state.killed_by = "SIGKILL";
    EXPECT_EQ(describe_status(state, false), "exited (137, killed by SIGKILL)");
}

TEST(InstanceStatus, DurationsAreShort) {
    EXPECT_EQ(format_duration(5), "5s");
    EXPECT_EQ(format_duration(192), "3m12s");
    EXPECT_EQ(format_duration(7500), "2h05m");
    EXPECT_EQ(format_duration(356400), "4d03h");
}
