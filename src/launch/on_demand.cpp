#include "launch/on_demand.h"

#include "launch/launch.h"
#include "launch/start_notice.h"
#include "net/proxy_sockets.h"
#include "support/error.h"
#include "support/stop_policy.h"

#include <fmt/format.h>
#include <ingot/abi/exit_status.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

namespace ingot {

namespace {

// How long a boot's proxy tries to reach the guest for a client: the boot and the program's
// start, with room for QEMU under TCG.
constexpr auto guest_connect_retry = std::chrono::seconds(10);

// What a boot tells ingot, a byte each, on a socket pair (the proxy's sandbox lets it send on
// a socket, not write(2)).
constexpr char serving_message = 's';
constexpr char idle_message = 'i';

struct Boot {
    pid_t pid = -1;
    OwnedFd control; // ingot's end of the socket pair; empty once the boot closed its own
    bool serving = false;
};

std::string duration_text(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0)
        return fmt::format("{} s", duration.count() / 1000);
    return fmt::format("{} ms", duration.count());
}

int exit_status(int wait_status) {
    if (WIFSIGNALED(wait_status))
        return abi::exit_killed_by(WTERMSIG(wait_status));
    return WEXITSTATUS(wait_status);
}

class OnDemand {
public:
    explicit OnDemand(const LaunchPlan& plan) : m_plan(plan) {
        // The listeners go to each boot's port proxy: user-mode networking forwards ports
        // its own way.
        if (plan.network->backend != NetworkBackend::Tap)
            fail("--on-demand needs ingot's own tap for -p (run as root)");
        for (const PortMapping& mapping : plan.network->published)
            m_listeners.push_back(bind_host_sockets(mapping));
        // A boot is a child: its end is reported as SIGCHLD, not lost to an inherited SIG_IGN.
        signal(SIGCHLD, SIG_DFL);
        m_signals = forwarded_signals();
        sigaddset(&m_signals, SIGCHLD);
        sigprocmask(SIG_BLOCK, &m_signals, &m_previous_mask);
        m_signal_fd = OwnedFd(signalfd(-1, &m_signals, SFD_CLOEXEC | SFD_NONBLOCK));
        if (!m_signal_fd)
            fail("signalfd: {}", system_error_text(errno));
        if (plan.verbose)
            fmt::print(stderr, "ingot: on demand: the VM boots at the first connection{}\n",
                       plan.idle_stop
                           ? fmt::format(", stops after {} idle", duration_text(*plan.idle_stop))
                           : std::string());
    }

    // In ingot's process: until a stop request, then the running boot's status. In a boot's:
    // what its launch returns.
    int run() {
        for (;;) {
            if (m_stopping && !m_boot)
                return m_status;
            std::vector<pollfd> watched{{m_signal_fd.get(), POLLIN, 0}};
            bool booted = m_boot.has_value();
            if (booted && m_boot->control)
                watched.push_back({m_boot->control.get(), POLLIN, 0});
            // Between boots only: a boot's proxy accepts on its own copies.
            bool waiting = !booted && !m_stopping;
            if (waiting)
                for (const std::vector<OwnedFd>& sockets : m_listeners)
                    for (const OwnedFd& listener : sockets)
                        watched.push_back({listener.get(), POLLIN, 0});
            if (::poll(watched.data(), watched.size(), -1) < 0) {
                if (errno == EINTR)
                    continue;
                fail("poll: {}", system_error_text(errno));
            }
            if (watched[0].revents)
                if (std::optional<int> done = take_signals())
                    return *done;
            if (booted && watched.size() > 1 && watched[1].revents && m_boot && m_boot->control)
                take_message();
            bool arrived = false;
            for (size_t i = 1; waiting && i < watched.size(); ++i)
                arrived = arrived || watched[i].revents;
            if (arrived && !m_stopping)
                if (std::optional<int> child = start_boot())
                    return *child;
        }
    }

private:
    // A boot failed before it served: its status, ending the loop.
    std::optional<int> take_signals() {
        signalfd_siginfo info;
        while (::read(m_signal_fd.get(), &info, sizeof info) == sizeof info) {
            int signal = static_cast<int>(info.ssi_signo);
            if (signal == SIGCHLD) {
                if (std::optional<int> failed = reap())
                    return failed;
                continue;
            }
            if (signal == SIGINT || signal == SIGTERM)
                m_stopping = true;
            // A terminal's signal reached the boot, in ingot's process group, already (its
            // ssi_code is SI_KERNEL); one sent to ingot alone is passed on.
            if (m_boot && info.ssi_code != SI_KERNEL)
                ::kill(m_boot->pid, signal);
        }
        return std::nullopt;
    }

    std::optional<int> reap() {
        int wait_status = 0;
        if (!m_boot || ::waitpid(m_boot->pid, &wait_status, WNOHANG) != m_boot->pid)
            return std::nullopt;
        int status = exit_status(wait_status);
        bool served = m_boot->serving;
        m_boot.reset();
        if (!served)
            return status; // its error is on stderr; booting again would only repeat it
        if (m_stopping)
            m_status = status;
        else if (m_plan.verbose)
            fmt::print(stderr,
                       "ingot: on demand: the VM ended ({}); it boots again at the next "
                       "connection\n",
                       status);
        return std::nullopt;
    }

    void take_message() {
        char message = 0;
        ssize_t got = ::recv(m_boot->control.get(), &message, 1, MSG_DONTWAIT);
        if (got == 0) {
            m_boot->control.reset(); // the boot is ending; SIGCHLD follows
            return;
        }
        if (got < 0)
            return;
        if (message == serving_message)
            m_boot->serving = true;
        if (message == idle_message) {
            if (m_plan.verbose)
                fmt::print(stderr, "ingot: on demand: idle for {}: stopping the VM\n",
                           duration_text(*m_plan.idle_stop));
            // As `ingot stop` would: the program may end as it likes, within --stop-timeout.
            ::kill(m_boot->pid, SIGTERM);
        }
    }

    // In ingot's process: nothing, the boot runs. In the boot's: launch()'s status.
    std::optional<int> start_boot() {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
            fail("socketpair: {}", system_error_text(errno));
        OwnedFd ours(pair[0]), theirs(pair[1]);
        if (m_plan.verbose)
            fmt::print(stderr, "ingot: on demand: a connection arrived: booting the VM\n");
        fflush(stdout);
        fflush(stderr);
        pid_t parent = ::getpid();
        pid_t pid = ::fork();
        if (pid < 0)
            fail("fork: {}", system_error_text(errno));
        if (pid == 0) {
            ours.reset();
            return boot(parent, std::move(theirs));
        }
        m_boot.emplace();
        m_boot->pid = pid;
        m_boot->control = std::move(ours);
        return std::nullopt;
    }

    int boot(pid_t parent, OwnedFd control) {
        m_signal_fd.reset();
        sigprocmask(SIG_SETMASK, &m_previous_mask, nullptr);
        // The boot ends with ingot, however ingot ends (prctl(2); the hvt monitor's change of
        // user clears it, as for a detached instance's VM).
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(abi::exit_killed_by(SIGTERM));
        ProxyHandover handover;
        for (const std::vector<OwnedFd>& sockets : m_listeners) {
            handover.listeners.emplace_back();
            for (const OwnedFd& listener : sockets)
                handover.listeners.back().push_back(listener.get());
        }
        handover.connect_retry = guest_connect_retry;
        handover.idle_stop = m_plan.idle_stop;
        int fd = control.get();
        auto say = [fd](char message) { ::send(fd, &message, 1, MSG_NOSIGNAL | MSG_DONTWAIT); };
        handover.on_idle = [say] { say(idle_message); };
        handover.on_serving = [say] { say(serving_message); };
        // The proxy holds duplicates; these stay open until launch returns, unused.
        m_control_for_boot = std::move(control);
        return launch(m_plan, handover);
    }

    const LaunchPlan& m_plan;
    std::vector<std::vector<OwnedFd>> m_listeners; // per mapping, bind_host_sockets'
    sigset_t m_signals{};
    sigset_t m_previous_mask{};
    OwnedFd m_signal_fd;
    std::optional<Boot> m_boot;
    OwnedFd m_control_for_boot;
    bool m_stopping = false;
    int m_status = 0;
};

} // namespace

int run_on_demand(const LaunchPlan& plan) {
    OnDemand on_demand(plan);
    // Listening is this launch's start: whoever waits for it (a detached instance's
    // supervisor) would otherwise wait for the first connection.
    notify_guest_started();
    return on_demand.run();
}

int run_plan(const LaunchPlan& plan) {
    return plan.on_demand ? run_on_demand(plan) : launch(plan);
}

} // namespace ingot
