// Starting what a launch plan says: the image opened, the host's end of the network for as
// long as the guest lives, then the plan's platform. `ingot run` calls it with the plan it
// resolved; a stored plan (launch_plan_json.h) starts the same way.
#pragma once

#include "launch/launch_plan.h"

namespace ingot {

// Returns the program's exit status. Throws UserError before the guest starts for what the
// host refuses (the image changed or is gone, the tap, a published port).
int launch(const LaunchPlan& plan);

} // namespace ingot
