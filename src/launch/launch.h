// Starting what a launch plan says: the image opened, the host's end of the network for as
// long as the guest lives, then the plan's platform. `ingot run` calls it with the plan it
// resolved; a stored plan (launch_plan_json.h) starts the same way.
#pragma once

#include "launch/launch_plan.h"
#include "net/port_proxy.h"

namespace ingot {

// Returns the program's exit status. Throws UserError before the guest starts for what the
// host refuses (the image changed or is gone, the tap, a published port).
// `handover` is an on-demand boot's (on_demand.h): the port proxy takes its listeners.
int launch(const LaunchPlan& plan, const ProxyHandover& handover = {});

} // namespace ingot
