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
        RelayOutcome outcome =
            ConsoleRelay(qemu.to_guest(), qemu.from_guest(), -1, std::chrono::seconds(10)).run();
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
    EXPECT_FALSE(outcome.stop);
    EXPECT_EQ(err.contents(), "ready\n");
}

// A standard descriptor replaced by one end of a fresh pipe while alive; the other end stays
// open (reads would block after `input`) or is closed (writes fail with EPIPE).
class PipedDescriptor {
public:
    PipedDescriptor(int fd, bool keep_other_end, const std::string& input = {})
        : m_fd(fd), m_saved(::dup(fd)) {
        int ends[2];
        EXPECT_EQ(::pipe(ends), 0);
        int mine = fd == 0 ? ends[0] : ends[1];
        m_other = fd == 0 ? ends[1] : ends[0];
        if (!input.empty()) {
            EXPECT_EQ(::write(m_other, input.data(), input.size()), ssize_t(input.size()));
        }
        ::dup2(mine, fd);
        ::close(mine);
        if (!keep_other_end) {
            ::close(m_other);
            m_other = -1;
        }
    }
    ~PipedDescriptor() {
        ::dup2(m_saved, m_fd);
        ::close(m_saved);
        if (m_other >= 0)
            ::close(m_other);
    }
    PipedDescriptor(const PipedDescriptor&) = delete;
    PipedDescriptor& operator=(const PipedDescriptor&) = delete;

private:
    int m_fd, m_saved, m_other;
};

// As on hvt, where the console write fails and the guest kernel raises SIGPIPE.
TEST_P(QemuBoot, AClosedStdoutSendsSigpipe) {
    auto previous = std::signal(SIGPIPE, SIG_IGN); // as run_on_qemu does
    {
        ingot_test::RedirectedDescriptor err(2);
        PipedDescriptor in(0, true, "echoed into a closed pipe\n");
        PipedDescriptor out(1, false);
        auto [outcome, wait_status] = boot();
        EXPECT_EQ(outcome.exit_status, 128u + SIGPIPE);
        EXPECT_FALSE(outcome.stop);
        EXPECT_EQ(err.contents(), "ready\n");
    }
    std::signal(SIGPIPE, previous);
}

INSTANTIATE_TEST_SUITE_P(Machines, QemuBoot, ::testing::Values("microvm", "pc", "q35"));

} // namespace
} // namespace ingot
