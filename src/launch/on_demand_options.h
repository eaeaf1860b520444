// --on-demand and --idle-stop of `ingot run`: the duration syntax, and the checks that make them
// part of a launch plan (resolve_launch.h).
#pragma once

#include "launch/launch_plan.h"
#include "launch/launch_settings.h"

#include <chrono>
#include <string_view>

namespace ingot {

// "500ms", "30s", "5m", "2h", or a plain number of seconds ("30"); more than zero. Throws
// UserError naming `option` otherwise.
std::chrono::milliseconds parse_duration(std::string_view text, std::string_view option);

// Sets plan.on_demand and plan.idle_stop from the settings. Refuses (UserError, one line)
// --idle-stop without --on-demand, and --on-demand without -p, with --net or with a UDP port,
// before the network's own checks would ask for what cannot be used anyway.
void plan_on_demand(const LaunchSettings& settings, LaunchPlan& plan);

} // namespace ingot
