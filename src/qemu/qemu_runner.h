// `ingot run --platform qemu`: boots an image on QEMU through its PVH entry, relays the
// program's console, and returns the program's exit status.
#pragma once

#include "launch/launch_image.h"
#include "launch/launch_plan.h"
#include "net/network_attachment.h"

#include <optional>

namespace ingot {

// Runs `plan` (whose platform is qemu) with its image opened and the guest's NIC on
// `network`'s tap (which stays open and the caller's), if any. What QEMU cannot be given (an
// empty argument) throws UserError before QEMU starts.
int run_on_qemu(const LaunchPlan& plan, const LaunchImage& image,
                const std::optional<NetworkAttachment>& network);

} // namespace ingot
