// `ingot run --on-demand`: the VM boots when the first connection to a published port arrives
// and, with --idle-stop, stops once idle, to boot again at the next connection, as Jitsu does
// for MirageOS unikernels. ingot holds the listening sockets across boots; each boot is a child
// process that runs the plan with them (launch.h), since a boot's monitor gives up privileges
// and filters its own system calls (sandbox/) for good. The connection that asked for a boot
// waits in the listener's backlog, unaccepted, until that boot's proxy takes it and reaches the
// guest, retrying while the guest boots: none of its bytes is lost.
#pragma once

#include "launch/launch_plan.h"

namespace ingot {

// Runs until SIGINT or SIGTERM (forwarded to a running boot, which stops as `ingot run` does)
// and returns the status of the boot that was running then, 0 when none was; or, when a boot
// failed before it served (its error on stderr), that boot's status. In a boot's process it
// returns what launch() returns there. Throws UserError when a port cannot be published.
int run_on_demand(const LaunchPlan& plan);

// Runs a plan as `ingot run` does, whoever holds it (ingot run, a detached instance's
// supervisor, the OCI runtime's init): on demand when the plan says so, else at once.
int run_plan(const LaunchPlan& plan);

} // namespace ingot
