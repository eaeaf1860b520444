// A virtqueue the driver polls instead of taking interrupts: its memory comes from the frame
// allocator, and waiting for the device is bounded so a broken device cannot hang the kernel.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "drivers/virtio/transport.h"
#include "lib/error_or.h"

#include <stdint.h>

namespace kernel::virtio {

// Sets up queue `index` with at most `wanted_size` entries (fewer if the device allows fewer),
// between feature negotiation and set_driver_ok.
ErrorOr<void> set_up_polled_queue(Transport& transport, uint16_t index, uint16_t wanted_size,
                                  SplitVirtqueue& queue);

// Waits until the device returns a chain, for at most `timeout_ns` (ETIMEDOUT after that).
ErrorOr<SplitVirtqueue::Completion> wait_for_completion(SplitVirtqueue& queue, uint64_t timeout_ns);

} // namespace kernel::virtio
