// Hands a split virtqueue to the device: its rings come from a frame allocator, so the memory
// is page aligned, zeroed and reachable by the device at a known physical address.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "drivers/virtio/transport.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"

#include <stdint.h>

namespace kernel::virtio {

enum class QueueInterrupts { Wanted, Suppressed };

// Sets up queue `index` with at most `wanted_size` entries (fewer if the device allows fewer),
// between feature negotiation and set_driver_ok. ENODEV when the device has no such queue.
ErrorOr<void> set_up_queue(Transport& transport, uint16_t index, uint16_t wanted_size,
                           SplitVirtqueue& queue, FrameAllocator& frames,
                           QueueInterrupts interrupts);

} // namespace kernel::virtio
