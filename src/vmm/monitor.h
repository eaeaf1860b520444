// The Ingot monitor (platform hvt): runs one image on /dev/kvm until the program exits.
#pragma once

#include "image/image.h"
#include "launch/launch_plan.h"
#include "net/network_attachment.h"
#include "vmm/payload_region.h"

#include <optional>

namespace ingot {

// Runs `plan` (whose platform is hvt) with its image opened and the guest's network device on
// `network`'s tap (the caller's to close), if any. Returns the program's exit status (128 +
// signal when it crashed).
int run_on_kvm(const LaunchPlan& plan, const Image& image, ImageBacking backing,
               const std::optional<NetworkAttachment>& network);

} // namespace ingot
