// What `ingot run` does with the signals it receives, on both platforms, as `docker stop` does
// with its --stop-timeout: the first SIGINT or SIGTERM goes to the program, which may clean up
// and exit as it likes; if it still runs a grace period later, the VM is stopped with status
// 128 + that signal; a second signal stops it at once. SIGHUP only goes to the program (a
// daemon may reload on it) unless a stop is already under way.
#pragma once

#include <chrono>
#include <csignal>
#include <optional>
#include <string>

namespace ingot {

// The signals `ingot run` forwards to the program: SIGINT, SIGTERM and SIGHUP, except those
// ignored when ingot started (`nohup ingot run ...`): an ignored signal stays ignored, as it
// would for the program run as a process (execve(2) keeps SIG_IGN).
sigset_t forwarded_signals();

class StopPolicy {
public:
    using Clock = std::chrono::steady_clock;
    // `grace`: how long the program may take to exit after the first stop request; none
    // waits for it however long it takes.
    explicit StopPolicy(std::optional<Clock::duration> grace);

    struct Stop {
        int status;          // ingot's exit status: 128 + the signal
        std::string message; // a line for stderr, or empty where a shell says nothing
    };

    // A signal for the program arrived at `now`: nothing means forward it to the program; a
    // Stop means stop the VM now. SIGPIPE counts as a stop request: the qemu platform sends
    // it when the program's output was closed.
    std::optional<Stop> on_signal(int signal, Clock::time_point now);
    // The guest cannot take `signal` yet (its kernel is not ready): stop at once.
    Stop before_start(int signal) const;
    // When the program's grace period ends, once a stop was requested.
    std::optional<Clock::time_point> deadline() const { return m_deadline; }
    // A Stop when the grace period is over at `now`.
    std::optional<Stop> on_time(Clock::time_point now) const;

private:
    std::optional<Clock::duration> m_grace;
    int m_stop_request = 0; // the signal that asked the program to stop, or 0
    std::optional<Clock::time_point> m_deadline;
};

} // namespace ingot
