// When an instance's supervisor starts the program again after it ended: docker's --restart
// policies (docs.docker.com, "Start containers automatically") and its backoff, a delay that
// starts at 100 ms and doubles before each restart, and starts again from 100 ms once the
// program ran for 10 s.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace ingot {

struct RestartPolicy {
    enum class Kind { no, on_failure, always, unless_stopped };
    Kind kind = Kind::no;
    int maximum_retries = 0; // on-failure only; 0: no limit

    // "no", "on-failure", "on-failure:3", "always", "unless-stopped"; fails with one line.
    static RestartPolicy parse(std::string_view text);
    std::string text() const;

    // Whether a program that ended with `exit_status` (ingot run's status: 128 + the signal
    // when it was killed), after `restarts` restarts, starts again. A stop asked for by the
    // user (ingot stop, rm -f) never restarts.
    bool should_restart(int exit_status, int restarts, bool stop_requested) const;
};

// Whether `ingot kill -s signal` is the user's stop, after which the policy restarts nothing:
// as docker-kill(1) says, a fatal signal (SIGABRT, SIGINT, SIGKILL, SIGQUIT, SIGTERM) is; any
// other (SIGHUP, SIGUSR1, ...) is a message to the program and leaves the policy in place.
bool stops_restarts(int signal);

class RestartBackoff {
public:
    using Duration = std::chrono::milliseconds;
    static constexpr Duration first = Duration(100);
    static constexpr Duration limit = Duration(60'000);
    static constexpr std::chrono::seconds reset_after = std::chrono::seconds(10);

    // The delay before the next restart of a program that ran for `ran`.
    Duration next(std::chrono::steady_clock::duration ran);

private:
    Duration m_delay{0};
};

} // namespace ingot
