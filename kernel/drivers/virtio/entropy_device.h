// virtio-rng (virtio 1.x §5.4): one queue of device-writable buffers the device fills with
// random bytes. Used once at boot to seed the kernel's generator, so it polls.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "drivers/virtio/transport.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"

#include <stddef.h>

namespace kernel::virtio {

class EntropyDevice {
public:
    // Negotiates, sets up the queue and starts the device; the transport must outlive this.
    ErrorOr<void> initialize(Transport& transport);

    // Fills all `length` bytes of `buffer` from the device. ETIMEDOUT when the device leaves a
    // request unanswered for a second, EIO when it misbehaves; after either, the device is
    // not used again.
    ErrorOr<void> read(void* buffer, size_t length);

private:
    ErrorOr<size_t> request(size_t length);
    Error give_up(Errno code);

    Transport* m_transport = nullptr;
    SplitVirtqueue m_queue;
    // The device writes here, never into the caller's buffer, whose physical address the
    // caller need not know.
    PhysicalAddress m_bounce_physical = 0;
    uint8_t* m_bounce = nullptr;
    bool m_broken = false;
};

} // namespace kernel::virtio
