// QEMU booting programs/pvh_echo.S, a minimal guest speaking the framed console: the launcher's
// command line, the child process and the relay, end to end, without the real kernel.
#include "qemu/console_relay.h"
#include "qemu/qemu_binary.h"
#include "qemu/qemu_command.h"
#include "qemu/qemu_process.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <csignal>
#include <unistd.h>

namespace ingot {
namespace {

class QemuBoot : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        try {
            m_qemu = find_qemu("");
        } catch (const UserError& error) {
            GTEST_SKIP() << error.what();
        }
        sigset_t forwarded = forwarded_signals();
        sigprocmask(SIG_BLOCK, &forwarded, &m_saved_mask);
    }
    void TearDown() override { sigprocmask(SIG_SETMASK, &m_saved_mask, nullptr); }

    // Boots the echo guest; returns the relay's outcome and QEMU's wait status.
    std::pair<RelayOutcome, int> boot(bool send_sigterm = false) {
        QemuLaunch launch;
        launch.qemu = m_qemu;
        launch.machine = GetParam();
        launch.accelerator = Accelerator::Tcg;
        launch.memory_mib = 16;
        launch.kernel = INGOT_TEST_PVH_ECHO_GUEST;
        launch.kernel_command_line = "ingot.console=framed";
        QemuProcess qemu(qemu_command(launch));
        if (send_sigterm)
            ::kill(::getpid(), SIGTERM); // stays pending (blocked) until the relay reads it
        RelayOutcome outcome = ConsoleRelay(qemu.to_guest(), qemu.from_guest()).run();
        return {outcome, qemu.wait()};
    }

private:
    std::string m_qemu;
    sigset_t m_saved_mask;
};

TEST_P(QemuBoot, EchoesInputUntilEndOfInput) {
    ingot_test::RedirectedDescriptor out(1), err(2);
    ingot_test::RedirectedDescriptor in(0, "line one\n\xff escaped\nlast");
    auto [outcome, wait_status] = boot();
    EXPECT_EQ(out.contents(), "line one\n\xff escaped\nlast");
    EXPECT_EQ(err.contents(), "ready\n");
    EXPECT_EQ(outcome.exit_status, 0u);
    EXPECT_TRUE(outcome.protocol_error.empty()) << outcome.protocol_error;
    EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 1); // debug exit 0
}

TEST_P(QemuBoot, ForwardsAHostSignal) {
    ingot_test::RedirectedDescriptor out(1), err(2);
    ingot_test::EmptyPipeStdin in; // input never ends: only the signal ends the guest
    auto [outcome, wait_status] = boot(true);
    EXPECT_EQ(outcome.exit_status, 128u + SIGTERM);
    EXPECT_EQ(outcome.stopping_signal, 0);
    EXPECT_EQ(err.contents(), "ready\n");
}

INSTANTIATE_TEST_SUITE_P(Machines, QemuBoot, ::testing::Values("microvm", "pc", "q35"));

} // namespace
} // namespace ingot
