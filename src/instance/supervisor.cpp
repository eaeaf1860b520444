#include "instance/supervisor.h"

#include "instance/log_file.h"
#include "instance/restart_policy.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <fmt/format.h>

namespace ingot {

namespace {

constexpr size_t kept_error_lines = 20;

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t written = write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        text.remove_prefix(static_cast<size_t>(written));
    }
}

class StartReport {
public:
    explicit StartReport(int fd) : m_fd(fd) {}
    bool pending() const { return m_fd >= 0; }
    void send(std::string_view message) {
        if (m_fd < 0)
            return;
        write_all(m_fd, message);
        close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

struct Pipe {
    int read = -1;
    int write = -1;
};

Pipe make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        _exit(1);
    return {fds[0], fds[1]};
}

// The child: `ingot launch-plan` of the instance's stored plan, in the directory ingot run -d
// ran in, telling on `started` (as its descriptor 3) when the guest runs.
[[noreturn]] void exec_vm(const InstanceStore& store, const InstanceConfig& config, const Pipe& out,
                          const Pipe& err, const Pipe& started, pid_t supervisor) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != supervisor)
        _exit(1); // the supervisor died before PR_SET_PDEATHSIG took effect
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out.write, 1);
    dup2(err.write, 2);
    // dup2 onto itself would keep O_CLOEXEC.
    if (started.write == 3)
        fcntl(3, F_SETFD, 0);
    else
        dup2(started.write, 3);
    if (chdir(config.working_directory.c_str()) != 0) {
        std::string message =
            fmt::format("ingot: error: cannot enter the instance's directory {}: {}\n",
                        config.working_directory, strerror(errno));
        write_all(2, message);
        _exit(2);
    }
    std::vector<std::string> words = {"ingot", "launch-plan", "--started-fd", "3",
                                      store.plan_path(config.id)};
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    execv(config.executable.c_str(), argv.data());
    write_all(2,
              fmt::format("ingot: error: cannot run {}: {}\n", config.executable, strerror(errno)));
    _exit(2);
}

struct RunResult {
    bool started = false; // the guest ran: the launch told so
    int exit_status = 0;
    std::string killed_by;
    std::deque<std::string> last_stderr_lines;
    std::chrono::steady_clock::duration ran{};
};

class Supervisor {
public:
    Supervisor(const InstanceStore& store, const InstanceConfig& config, StartReport& report)
        : m_store(store), m_config(config), m_report(report),
          m_log(store.log_path(config.id), LogWriter::default_limit),
          m_policy(RestartPolicy::parse(config.restart_policy)) {
        sigset_t signals;
        sigemptyset(&signals);
        for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
            sigaddset(&signals, signal);
        sigprocmask(SIG_BLOCK, &signals, nullptr);
        m_signals = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    }

    [[noreturn]] void run() {
        RestartBackoff backoff;
        for (;;) {
            RunResult result = run_once();
            std::string last =
                result.last_stderr_lines.empty()
                    ? fmt::format("ingot: error: the launch ended ({}) before its guest started",
                                  result.killed_by.empty()
                                      ? fmt::format("status {}", result.exit_status)
                                      : result.killed_by)
                    : result.last_stderr_lines.back();
            if (m_report.pending()) {
                if (!result.started) {
                    // `ingot run -d` prints it and removes the instance.
                    m_report.send(std::string(supervisor_failed) + last + "\n");
                    _exit(0);
                }
                m_report.send(supervisor_started);
            }
            bool restart = false;
            m_store.update_state(m_config.id, [&](InstanceState& state) {
                state.exit_code = result.exit_status;
                state.killed_by = result.killed_by;
                state.finished_at = now_nanoseconds();
                state.error.clear();
                if (!result.started) {
                    // A restart whose launch was refused (the image changed or is gone, the
                    // tap): the same plan is refused again, so the instance ends with why.
                    state.error = last + "\n";
                    state.status = "exited";
                    return;
                }
                if (result.exit_status != 0)
                    for (const auto& line : result.last_stderr_lines)
                        state.error += line + "\n";
                restart = m_policy.should_restart(result.exit_status, state.restart_count,
                                                  state.stop_requested || m_stop_requested);
                state.status = restart ? "restarting" : "exited";
            });
            if (!restart)
                _exit(0);
            if (!wait_before_restart(backoff.next(result.ran))) {
                m_store.update_state(m_config.id, [](InstanceState& state) {
                    state.status = "exited";
                    state.stop_requested = true;
                });
                _exit(0);
            }
            m_store.update_state(m_config.id, [](InstanceState& state) { ++state.restart_count; });
        }
    }

private:
    // A stop request: SIGTERM, SIGINT or SIGHUP to the supervisor (ingot stop sends SIGTERM).
    bool take_signals(pid_t child) {
        signalfd_siginfo info{};
        bool child_changed = false;
        while (read(m_signals, &info, sizeof info) == sizeof info) {
            if (info.ssi_signo == SIGCHLD) {
                child_changed = true;
                continue;
            }
            m_stop_requested = true;
            if (child > 0)
                kill(child, SIGTERM);
        }
        return child_changed;
    }

    // Sleeps `delay` unless a stop request comes first: then false.
    bool wait_before_restart(RestartBackoff::Duration delay) {
        auto deadline = std::chrono::steady_clock::now() + delay;
        while (!m_stop_requested) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                return !m_store.state(m_config.id).stop_requested;
            pollfd poll_fd{m_signals, POLLIN, 0};
            poll(&poll_fd, 1, static_cast<int>(left.count()) + 1);
            take_signals(0);
        }
        return false;
    }

    void take_output(int& fd, LogStream stream, RunResult& result, std::string& error_line) {
        char buffer[65536];
        for (;;) {
            ssize_t got = read(fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return; // EAGAIN: all there is for now
            if (got == 0) {
                m_log.finish(stream, now_nanoseconds());
                close(fd);
                fd = -1;
                return;
            }
            std::string_view bytes(buffer, static_cast<size_t>(got));
            m_log.write(stream, bytes, now_nanoseconds());
            if (stream == LogStream::out)
                continue;
            for (char c : bytes) {
                if (c != '\n') {
                    if (error_line.size() < 4096)
                        error_line += c;
                    continue;
                }
                result.last_stderr_lines.push_back(std::move(error_line));
                error_line.clear();
                if (result.last_stderr_lines.size() > kept_error_lines)
                    result.last_stderr_lines.pop_front();
            }
        }
    }

    RunResult run_once() {
        RunResult result;
        Pipe out = make_pipe();
        Pipe err = make_pipe();
        Pipe guest_started = make_pipe();
        pid_t supervisor = getpid();
        auto started = std::chrono::steady_clock::now();
        pid_t child = fork();
        if (child < 0) {
            result.exit_status = 2;
            result.last_stderr_lines.push_back(
                fmt::format("ingot: error: fork: {}", strerror(errno)));
            for (int fd : {out.read, out.write, err.read, err.write, guest_started.read,
                           guest_started.write})
                close(fd);
            return result;
        }
        if (child == 0)
            exec_vm(m_store, m_config, out, err, guest_started, supervisor);
        close(out.write);
        close(err.write);
        close(guest_started.write);
        fcntl(out.read, F_SETFL, O_NONBLOCK);
        fcntl(err.read, F_SETFL, O_NONBLOCK);
        // A process the launch started (QEMU, a proxy) never holds it (O_CLOEXEC), but the
        // supervisor must not hang on it should one do.
        fcntl(guest_started.read, F_SETFL, O_NONBLOCK);
        auto vm = identify_process(child).value_or(ProcessIdentity{child, 0, current_boot_id()});
        m_store.update_state(m_config.id, [&](InstanceState& state) {
            state.status = "running";
            state.vm = vm;
            state.started_at = now_nanoseconds();
            state.finished_at = 0;
            state.exit_code.reset();
            state.killed_by.clear();
        });
        if (m_stop_requested)
            kill(child, SIGTERM);
        std::string error_line;
        int status = 0;
        bool reaped = false;
        while (!reaped) {
            // A closed pipe (fd -1) is skipped by poll(2).
            pollfd fds[4] = {{m_signals, POLLIN, 0},
                             {out.read, POLLIN, 0},
                             {err.read, POLLIN, 0},
                             {guest_started.read, POLLIN, 0}};
            poll(fds, 4, -1);
            if (guest_started.read >= 0 && fds[3].revents) {
                // A byte: the guest runs. The end of the pipe alone: the launch ended first.
                char byte;
                ssize_t got = read(guest_started.read, &byte, 1);
                if (got == 1) {
                    result.started = true;
                    m_report.send(supervisor_started);
                }
                if (got >= 0) {
                    close(guest_started.read);
                    guest_started.read = -1;
                }
            }
            if (out.read >= 0)
                take_output(out.read, LogStream::out, result, error_line);
            if (err.read >= 0)
                take_output(err.read, LogStream::err, result, error_line);
            take_signals(child);
            if (waitpid(child, &status, WNOHANG) == child)
                reaped = true;
        }
        if (guest_started.read >= 0) {
            char byte;
            result.started = read(guest_started.read, &byte, 1) == 1;
            close(guest_started.read);
        }
        result.ran = std::chrono::steady_clock::now() - started;
        // What ingot run wrote last; a process it started (QEMU) may still hold the pipes, so
        // take what is there and do not wait for their end.
        for (int* fd : {&out.read, &err.read})
            if (*fd >= 0) {
                take_output(*fd, fd == &out.read ? LogStream::out : LogStream::err, result,
                            error_line);
                if (*fd >= 0) {
                    m_log.finish(fd == &out.read ? LogStream::out : LogStream::err,
                                 now_nanoseconds());
                    close(*fd);
                }
            }
        if (!error_line.empty())
            result.last_stderr_lines.push_back(error_line);
        if (WIFEXITED(status)) {
            result.exit_status = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            result.exit_status = 128 + WTERMSIG(status);
            const char* name = sigabbrev_np(WTERMSIG(status));
            result.killed_by = name ? fmt::format("SIG{}", name) : std::to_string(WTERMSIG(status));
        }
        return result;
    }

    const InstanceStore& m_store;
    const InstanceConfig& m_config;
    StartReport& m_report;
    LogWriter m_log;
    RestartPolicy m_policy;
    int m_signals = -1;
    bool m_stop_requested = false;
};

} // namespace

void supervise(const InstanceStore& store, const InstanceConfig& config, int start_fd) {
    StartReport report(start_fd);
    try {
        store.update_state(config.id, [](InstanceState& state) {
            state.supervisor = identify_process(getpid()).value_or(ProcessIdentity{});
        });
        Supervisor(store, config, report).run();
    } catch (const std::exception& error) {
        // Before the start: `ingot run -d` says it; after: the state says the supervisor is
        // gone, which is what happened.
        report.send(fmt::format("{}ingot: error: the instance's supervisor: {}\n",
                                supervisor_failed, error.what()));
        _exit(1);
    }
}

} // namespace ingot
