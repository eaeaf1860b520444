#include "instance/restart_policy.h"

#include "support/error.h"

#include <charconv>
#include <csignal>

namespace ingot {

RestartPolicy RestartPolicy::parse(std::string_view text) {
    RestartPolicy policy;
    if (text == "no")
        return policy;
    if (text == "always") {
        policy.kind = Kind::always;
        return policy;
    }
    if (text == "unless-stopped") {
        policy.kind = Kind::unless_stopped;
        return policy;
    }
    std::string_view prefix = "on-failure";
    if (text.starts_with(prefix)) {
        policy.kind = Kind::on_failure;
        std::string_view rest = text.substr(prefix.size());
        if (rest.empty())
            return policy;
        if (rest.front() == ':') {
            rest.remove_prefix(1);
            int count = 0;
            auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
            if (!rest.empty() && error == std::errc() && end == rest.data() + rest.size() &&
                count >= 0) {
                policy.maximum_retries = count;
                return policy;
            }
        }
    }
    fail("unknown restart policy '{}': expected no, on-failure[:MAX_RETRIES], always or "
         "unless-stopped",
         text);
}

std::string RestartPolicy::text() const {
    switch (kind) {
    case Kind::no:
        return "no";
    case Kind::always:
        return "always";
    case Kind::unless_stopped:
        return "unless-stopped";
    case Kind::on_failure:
        return maximum_retries ? "on-failure:" + std::to_string(maximum_retries) : "on-failure";
    }
    return "no";
}

bool RestartPolicy::should_restart(int exit_status, int restarts, bool stop_requested) const {
    if (stop_requested)
        return false;
    switch (kind) {
    case Kind::no:
        return false;
    case Kind::always:
    case Kind::unless_stopped:
        return true;
    case Kind::on_failure:
        return exit_status != 0 && (maximum_retries == 0 || restarts < maximum_retries);
    }
    return false;
}

bool stops_restarts(int signal) {
    return signal == SIGABRT || signal == SIGINT || signal == SIGKILL || signal == SIGQUIT ||
           signal == SIGTERM;
}

RestartBackoff::Duration RestartBackoff::next(std::chrono::steady_clock::duration ran) {
    if (ran >= reset_after || m_delay == Duration(0))
        m_delay = first;
    else
        m_delay = std::min(m_delay * 2, limit);
    return m_delay;
}

} // namespace ingot
