#include "qemu/qemu_runner.h"

#include "image/elf_file.h"
#include "qemu/accelerator.h"
#include "qemu/console_relay.h"
#include "qemu/kernel_command_line.h"
#include "qemu/machine_types.h"
#include "qemu/qemu_binary.h"
#include "qemu/qemu_command.h"
#include "qemu/qemu_process.h"
#include "sandbox/monitor_sandbox.h"
#include "support/error.h"
#include "support/size.h"
#include "support/stream_kind.h"
#include "vmm/boot_setup.h"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ingot/abi/exit_status.h>
#include <ingot/abi/memory_layout.h>
#include <ingot/signal_names.h>

#include <sys/mman.h>
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

int run_on_qemu(const Image& image, const std::string& image_path, const QemuRunOptions& options) {
    // What the host lacks first, then what the image lacks.
    QemuLaunch launch;
    launch.qemu = find_qemu(options.qemu);
    launch.machine = options.machine;
    // Asking QEMU costs a process start (about 20 ms); every x86 QEMU since 5.0 has these.
    const std::string_view always_there[] = {"microvm", "pc", "q35"};
    std::string_view machine_name =
        std::string_view(launch.machine).substr(0, launch.machine.find(','));
    if (std::find(std::begin(always_there), std::end(always_there), machine_name) ==
        std::end(always_there))
        check_machine_type(launch.machine,
                           parse_machine_types(capture_output({launch.qemu, "-machine", "help"})));
    AcceleratorChoice accelerator = choose_accelerator(options.accelerator);
    launch.accelerator = accelerator.accelerator;
    if (!ElfFile(image.bytes, image_path.empty() ? "image" : image_path).has_pvh_entry_note())
        fail("this image's kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY), so QEMU "
             "cannot boot it: rebuild the image with a newer ingot");
    // The hvt estimate also covers the pvh kernel's own boot tables. QEMU loads the payload
    // into RAM, after the kernel.
    uint64_t memory_size =
        guest_memory_size(image, options.memory_size, 0, PayloadPlacement::InRam);

    KernelCommandLineOptions kernel_options;
    for (int fd = 0; fd < 3; ++fd)
        kernel_options.streams[static_cast<size_t>(fd)] = stream_kind_of(fd);
    kernel_options.environment = options.environment;
    kernel_options.arguments = options.arguments;
    kernel_options.trace_syscalls = options.trace_syscalls;
    kernel_options.boot_trace = options.boot_trace;
    kernel_options.identity = options.identity;
    std::vector<int> inherited_fds;
    if (options.network) {
        // Below 3 it would be one of QEMU's standard streams.
        if (options.network->tap_fd < 3)
            fail("internal error: the tap for QEMU is not open (descriptor {})",
                 options.network->tap_fd);
        kernel_options.network = options.network->guest;
        launch.network = QemuLaunch::Network{options.network->tap_fd, options.network->guest.mac};
        inherited_fds.push_back(options.network->tap_fd);
    }

    kernel_options.volumes = options.volumes;
    launch.volumes = options.volumes;

    launch.memory_mib = (memory_size + (1 << 20) - 1) >> 20;
    launch.kernel_command_line = kernel_command_line(kernel_options);
    std::optional<InMemoryImageFile> in_memory;
    if (image_path.empty())
        in_memory.emplace(image.bytes);
    launch.kernel = in_memory ? in_memory->path() : image_path;
    std::vector<std::string> command = qemu_command(launch);
    if (options.verbose || options.boot_trace)
        fmt::print(stderr, "ingot: qemu: {}\n", accelerator.reason);
    if (options.verbose)
        fmt::print(stderr, "ingot: qemu: {}\n", quoted_for_shell(command));
    std::fflush(stderr);

    // Blocked before QEMU starts, so that a signal at any moment is forwarded, never lost
    // or acted on by default; QEMU itself starts with them unblocked.
    sigset_t forwarded = forwarded_signals();
    sigprocmask(SIG_BLOCK, &forwarded, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    QemuProcess qemu(command, inherited_fds);
    ConsoleRelay relay(qemu.to_guest(), qemu.from_guest(), options.stop_timeout,
                       options.raw_console);
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
