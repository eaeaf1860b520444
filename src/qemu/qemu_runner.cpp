#include "qemu/qemu_runner.h"

#include "launch/launch_arguments.h"
#include "launch/start_notice.h"
#include "qemu/console_relay.h"
#include "qemu/kernel_command_line.h"
#include "qemu/qemu_command.h"
#include "qemu/qemu_process.h"
#include "sandbox/monitor_sandbox.h"
#include "support/error.h"
#include "support/stream_kind.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ingot/abi/exit_status.h>
#include <ingot/signal_names.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace ingot {

namespace {

// An image packed on the fly exists only in ingot's memory; QEMU reads it through a memfd,
// which leaves nothing behind however ingot ends.
class InMemoryImageFile {
public:
    explicit InMemoryImageFile(std::span<const uint8_t> bytes) {
        m_fd = ::memfd_create("ingot-image", MFD_CLOEXEC);
        if (m_fd < 0)
            fail("cannot hold the packed image for QEMU: {}", system_error_text(errno));
        for (size_t done = 0; done < bytes.size();) {
            ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
            if (n <= 0)
                fail("cannot hold the packed image for QEMU: {}", system_error_text(errno));
            done += static_cast<size_t>(n);
        }
    }
    ~InMemoryImageFile() { ::close(m_fd); }
    InMemoryImageFile(const InMemoryImageFile&) = delete;
    InMemoryImageFile& operator=(const InMemoryImageFile&) = delete;
    // QEMU, ingot's child, may open ingot's descriptors by this path.
    std::string path() const { return fmt::format("/proc/{}/fd/{}", ::getpid(), m_fd); }

private:
    int m_fd = -1;
};

// The virtio-console port's channel: a connected pair of Unix stream sockets, one end for
// ingot, the other for QEMU (`-chardev socket,fd=N`). No path in the file system, nothing to
// clean up, and each direction holds back its writer when the reader is slow.
class ConsoleSocketPair {
public:
    ConsoleSocketPair() {
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0)
            fail("cannot make the console's socket pair: {}", system_error_text(errno));
        m_ingot = ends[0];
        m_qemu = ends[1];
        // The relay must never block on it: the guest may be slow to take input.
        ::fcntl(m_ingot, F_SETFL, ::fcntl(m_ingot, F_GETFL) | O_NONBLOCK);
    }
    ~ConsoleSocketPair() {
        ::close(m_ingot);
        close_qemu_end();
    }
    ConsoleSocketPair(const ConsoleSocketPair&) = delete;
    ConsoleSocketPair& operator=(const ConsoleSocketPair&) = delete;

    int ingot_end() const { return m_ingot; }
    int qemu_end() const { return m_qemu; }
    // Once QEMU has its copy: ingot then sees the end of the stream when QEMU exits.
    void close_qemu_end() {
        if (m_qemu >= 0)
            ::close(m_qemu);
        m_qemu = -1;
    }

private:
    int m_ingot = -1;
    int m_qemu = -1;
};

std::string quoted_for_shell(const std::vector<std::string>& command) {
    std::vector<std::string> words;
    for (const std::string& word : command) {
        bool plain = !word.empty() &&
                     word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_=.,/:+%@") == std::string::npos;
        std::string quoted = word;
        for (size_t at = 0; (at = quoted.find('\'', at)) != std::string::npos; at += 4)
            quoted.replace(at, 1, "'\\''");
        words.push_back(plain ? word : "'" + quoted + "'");
    }
    return fmt::format("{}", fmt::join(words, " "));
}

// The program's exit status when the guest sent none: isa-debug-exit makes QEMU exit with
// (value << 1) | 1, but status 1 is also QEMU's own failure, so it counts as one.
int status_without_exit_frame(int wait_status) {
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) > 1 && (WEXITSTATUS(wait_status) & 1))
        return WEXITSTATUS(wait_status) >> 1;
    if (WIFSIGNALED(wait_status))
        fmt::print(stderr, "ingot: QEMU was killed by {} before the program exited\n",
                   signal_name(WTERMSIG(wait_status)).text);
    else
        fmt::print(stderr, "ingot: QEMU exited with status {} before the program exited\n",
                   WEXITSTATUS(wait_status));
    return abi::exit_ingot_failed;
}

} // namespace

int run_on_qemu(const LaunchPlan& plan, const LaunchImage& image,
                const std::optional<NetworkAttachment>& network) {
    const QemuPlan& qemu_plan = std::get<QemuPlan>(plan.platform);
    QemuLaunch launch;
    launch.qemu = qemu_plan.binary;
    launch.machine = qemu_plan.machine;
    launch.accelerator = qemu_plan.accelerator;

    KernelCommandLineOptions kernel_options;
    for (int fd = 0; fd < 3; ++fd)
        kernel_options.streams[static_cast<size_t>(fd)] = stream_kind_of(fd);
    RunTimeArguments told =
        run_time_arguments(image.image().manifest, plan.arguments, plan.environment);
    kernel_options.environment = told.environment;
    // The command line carries argv[1..]: the kernel puts the image's argv[0] first, as the
    // plan has it.
    if (!told.arguments.empty())
        kernel_options.arguments.assign(told.arguments.begin() + 1, told.arguments.end());
    kernel_options.trace_syscalls = plan.trace_syscalls;
    kernel_options.syscall_traps = plan.syscall_traps;
    kernel_options.boot_trace = plan.boot_trace;
    kernel_options.identity = plan.identity;
    std::vector<int> inherited_fds;
    if (network && plan.network && plan.network->backend == NetworkBackend::User) {
        kernel_options.network = network->guest;
        launch.network = QemuLaunch::Network{-1, network->guest.mac, plan.network->published};
    } else if (network) {
        // Below 3 it would be one of QEMU's standard streams.
        if (network->tap_fd < 3)
            fail("internal error: the tap for QEMU is not open (descriptor {})", network->tap_fd);
        kernel_options.network = network->guest;
        launch.network = QemuLaunch::Network{network->tap_fd, network->guest.mac, {}};
        inherited_fds.push_back(network->tap_fd);
    }

    kernel_options.volumes = plan.volumes;
    launch.volumes = plan.volumes;

    std::optional<ConsoleSocketPair> console;
    kernel_options.console = qemu_plan.console;
    if (qemu_plan.console == QemuConsole::Virtio) {
        console.emplace();
        // Below 3 it would be one of QEMU's standard streams.
        if (console->qemu_end() < 3)
            fail("internal error: the console socket for QEMU is descriptor {}",
                 console->qemu_end());
        launch.console_fd = console->qemu_end();
        inherited_fds.push_back(console->qemu_end());
    }

    launch.memory_mib = (plan.memory_size + (1 << 20) - 1) >> 20;
    launch.kernel_command_line = kernel_command_line(kernel_options);
    std::optional<InMemoryImageFile> in_memory;
    if (image.file().empty())
        in_memory.emplace(image.image().bytes);
    launch.kernel = in_memory ? in_memory->path() : image.file();
    std::vector<std::string> command = qemu_command(launch);
    if (plan.verbose || plan.boot_trace)
        fmt::print(stderr, "ingot: qemu: {}\n", qemu_plan.accelerator_reason);
    if (plan.verbose)
        fmt::print(stderr, "ingot: qemu: {}\n", quoted_for_shell(command));
    std::fflush(stderr);

    // Blocked before QEMU starts, so that a signal at any moment is forwarded, never lost
    // or acted on by default; QEMU itself starts with them unblocked.
    sigset_t forwarded = forwarded_signals();
    sigprocmask(SIG_BLOCK, &forwarded, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    QemuProcess qemu(command, inherited_fds);
    if (console)
        console->close_qemu_end();
    notify_guest_started();
    ConsoleRelay relay(qemu.to_guest(), qemu.from_guest(), console ? console->ingot_end() : -1,
                       plan.stop_timeout, plan.raw_console);
    // QEMU has its own process now: what ingot does from here on is relaying (docs/design.md).
    seal_console_relay_thread(qemu.pid());
    RelayOutcome outcome = relay.run();
    // After the exit frame nothing the guest does matters, even if it fails to end QEMU.
    if (outcome.exit_status || !outcome.protocol_error.empty() || outcome.stop)
        qemu.kill();
    int wait_status = qemu.wait();
    if (!outcome.protocol_error.empty()) {
        fmt::print(stderr, "ingot: the guest broke the console protocol and was stopped: {}\n",
                   outcome.protocol_error);
        return abi::exit_ingot_failed;
    }
    if (outcome.stop) {
        if (!outcome.stop->message.empty())
            fmt::print(stderr, "{}\n", outcome.stop->message);
        return outcome.stop->status;
    }
    if (outcome.exit_status)
        return static_cast<int>(*outcome.exit_status & 0xff);
    return status_without_exit_frame(wait_status);
}

} // namespace ingot
