#include "instance/instance_status.h"

#include <fmt/format.h>

namespace ingot {

bool supervisor_alive(const InstanceState& state) {
    return is_running(state.supervisor);
}

std::string describe_status(const InstanceState& state, bool supervisor_alive) {
    if (state.status == "created" && state.supervisor.pid == 0)
        return "created"; // its supervisor is starting, or never started
    if (state.status != "exited") {
        if (!supervisor_alive)
            return "exited (unknown: supervisor lost)";
        return state.status;
    }
    if (!state.exit_code)
        return "exited";
    if (!state.killed_by.empty())
        return fmt::format("exited ({}, killed by {})", *state.exit_code, state.killed_by);
    return fmt::format("exited ({})", *state.exit_code);
}

std::string format_duration(int64_t seconds) {
    if (seconds < 0)
        seconds = 0;
    if (seconds < 60)
        return fmt::format("{}s", seconds);
    if (seconds < 3600)
        return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
    if (seconds < 86400)
        return fmt::format("{}h{:02}m", seconds / 3600, seconds % 3600 / 60);
    return fmt::format("{}d{:02}h", seconds / 86400, seconds % 86400 / 3600);
}

} // namespace ingot
