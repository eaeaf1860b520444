#include "drivers/virtio/polled_queue.h"

#include "drivers/virtio/queue_setup.h"
#include "mm/frame_allocator.h"
#include "time/clock.h"

namespace kernel::virtio {

namespace {

// Also bounds the wait when the clock does not advance (not calibrated yet).
constexpr uint64_t most_polls = 100000000;

} // namespace

ErrorOr<void> set_up_polled_queue(Transport& transport, uint16_t index, uint16_t wanted_size,
                                  SplitVirtqueue& queue) {
    return set_up_queue(transport, index, wanted_size, queue, frame_allocator(),
                        QueueInterrupts::Suppressed);
}

ErrorOr<SplitVirtqueue::Completion> wait_for_completion(SplitVirtqueue& queue,
                                                        uint64_t timeout_ns) {
    uint64_t deadline = clock::monotonic_ns() + timeout_ns;
    for (uint64_t polls = 0; !queue.has_completion(); ++polls) {
        if (polls >= most_polls || clock::monotonic_ns() >= deadline)
            return ETIMEDOUT;
        asm volatile("pause");
    }
    return queue.take_completion();
}

} // namespace kernel::virtio
