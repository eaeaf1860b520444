// What an instance's state means now: a recorded "running" is believed only while the
// recorded supervisor is still that process in this boot (process_identity.h); otherwise the
// supervisor was killed or the host rebooted, and nothing the state says about processes is
// true any more.
#pragma once

#include "instance/instance_record.h"

#include <string>

namespace ingot {

// The supervisor still runs and owns the instance.
bool supervisor_alive(const InstanceState& state);

// As ps shows it: "created" (no supervisor yet), "running", "restarting", "exited (0)", "exited
// (137, killed by SIGKILL)", or "exited (unknown: supervisor lost)" for a running state without its
// supervisor.
std::string describe_status(const InstanceState& state, bool supervisor_alive);

// "3m12s", "2h05m", "4d03h": how long, shortly.
std::string format_duration(int64_t seconds);

} // namespace ingot
