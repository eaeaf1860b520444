#include "support/stop_policy.h"

#include <fmt/format.h>
#include <ingot/abi/exit_status.h>
#include <ingot/signal_names.h>

namespace ingot {

namespace {

bool requests_stop(int signal) {
    return signal == SIGINT || signal == SIGTERM || signal == SIGPIPE;
}

// A shell says nothing when Ctrl-C or a closed pipe ends a program: the user caused it.
std::string stopped_by(int signal, const char* how) {
    if (signal == SIGINT || signal == SIGPIPE)
        return {};
    return fmt::format("ingot: the program was stopped by {}{}", signal_name(signal).text, how);
}

std::string duration_text(StopPolicy::Clock::duration duration) {
    return fmt::format("{:g} s", std::chrono::duration<double>(duration).count());
}

} // namespace

sigset_t forwarded_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current {};
        if (sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN)
            continue;
        sigaddset(&signals, signal);
    }
    return signals;
}

StopPolicy::StopPolicy(std::optional<Clock::duration> grace) : m_grace(grace) {}

std::optional<StopPolicy::Stop> StopPolicy::on_signal(int signal, Clock::time_point now) {
    if (m_stop_request)
        return Stop{abi::exit_killed_by(signal), stopped_by(signal, " (a second signal)")};
    if (!requests_stop(signal))
        return std::nullopt;
    m_stop_request = signal;
    if (m_grace)
        m_deadline = now + *m_grace;
    return on_time(now);
}

StopPolicy::Stop StopPolicy::before_start(int signal) const {
    return {abi::exit_killed_by(signal), stopped_by(signal, " before it started")};
}

std::optional<StopPolicy::Stop> StopPolicy::on_time(Clock::time_point now) const {
    if (!m_deadline || now < *m_deadline)
        return std::nullopt;
    return Stop{abi::exit_killed_by(m_stop_request),
                fmt::format("ingot: the program was stopped: still running {} after {}",
                            duration_text(*m_grace), signal_name(m_stop_request).text)};
}

} // namespace ingot
