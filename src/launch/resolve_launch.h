// `ingot run`'s settings made into a launch plan: every check of the run made here, once, in
// the order a user meets them (the platform's options, the network, the identity, the
// volumes, the image or program, the platform's host tools, then the memory).
#pragma once

#include "launch/launch_plan.h"
#include "launch/launch_settings.h"

namespace ingot {

// Throws UserError, one line, for the first thing wrong. Packs a program target in memory.
// Creates nothing on the host: the tap and the proxy are the consumer's (launch.h).
LaunchPlan resolve_launch(const LaunchSettings& settings);

} // namespace ingot
