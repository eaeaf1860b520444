// The qemu part of a launch plan: which QEMU, machine and accelerator, and whether QEMU can
// boot the image at all. What the host lacks is named first, then what the image lacks.
#pragma once

#include "image/image.h"
#include "launch/launch_plan.h"

#include <string>

namespace ingot {

// `binary`, `machine` and `accelerator` are --qemu, --qemu-machine and --accel as given
// (empty: choose). `image_name` is what messages call the image. Throws UserError.
QemuPlan resolve_qemu(const std::string& binary, const std::string& machine,
                      const std::string& accelerator, const Image& image,
                      const std::string& image_name);

} // namespace ingot
