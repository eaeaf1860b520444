// The driver side of device initialisation (virtio 1.x §3.1.1), over any transport.
#pragma once

#include "drivers/virtio/transport.h"
#include "lib/error_or.h"

#include <stdint.h>

namespace kernel::virtio {

// Resets the device and takes it through ACKNOWLEDGE, DRIVER and FEATURES_OK, accepting the
// features the device offers among `supported` (VIRTIO_F_VERSION_1 is always required: no
// legacy devices). Returns the accepted features. On failure the device is left FAILED:
// ENODEV for a device without VERSION_1, EIO when it refuses the features, ETIMEDOUT when it
// never completes its reset.
// `settle`, when given, drops from the offered subset the features whose dependencies it lacks
// (§5.1.3.1 for the net device): the driver must not accept those.
ErrorOr<uint64_t> negotiate_features(Transport& transport, uint64_t supported,
                                     uint64_t (*settle)(uint64_t accepted) = nullptr);

// After the queues are set up: the device is live. EIO (and FAILED) if it wants a reset.
ErrorOr<void> set_driver_ok(Transport& transport);

// Gives up on the device: it stops expecting anything of the driver.
void mark_failed(Transport& transport);

} // namespace kernel::virtio
