// The container's init: the process `create` forks and leaves behind, which the caller
// (conmon, containerd's shim) waits for as it would for runc's. It holds the stdio the caller
// passed, waits on the exec FIFO until `start` (OCI runtime spec, runtime.md: "the user-
// specified program MUST NOT be run" before start), then runs the launch plan; its exit status
// is the program's.
#pragma once

#include "launch/launch_plan.h"
#include "oci/runtime_log.h"

#include <string>

namespace ingot {

// Never returns. `terminal` is the console's slave, or -1 to keep the inherited stdio.
[[noreturn]] void run_container_init(const LaunchPlan& plan, const std::string& fifo_path,
                                     int terminal, const RuntimeLog& log);

} // namespace ingot
