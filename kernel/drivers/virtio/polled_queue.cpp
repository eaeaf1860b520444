#include "drivers/virtio/polled_queue.h"

#include "lib/utility.h"
#include "mm/frame_allocator.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

// Also bounds the wait when the clock does not advance (not calibrated yet).
constexpr uint64_t most_polls = 100000000;

uint16_t largest_power_of_two_at_most(uint16_t value) {
    uint16_t power = 1;
    while (power <= value / 2)
        power = static_cast<uint16_t>(power * 2);
    return power;
}

} // namespace

ErrorOr<void> set_up_polled_queue(Transport& transport, uint16_t index, uint16_t wanted_size,
                                  SplitVirtqueue& queue) {
    uint16_t maximum = transport.queue_max_size(index);
    if (maximum == 0)
        return ENODEV;
    uint16_t size = largest_power_of_two_at_most(
        min(min(maximum, wanted_size), static_cast<uint16_t>(SplitVirtqueue::max_size)));
    size_t frames = align_up(SplitVirtqueue::memory_size(size), abi::page_size) / abi::page_size;
    PhysicalAddress physical = TRY(frame_allocator().allocate_contiguous(frames, Zeroed::Yes));
    auto result = queue.initialize(size, frame_allocator().to_virtual(physical), physical);
    if (!result.is_error()) {
        queue.suppress_interrupts();
        result = transport.enable_queue(index, size, queue.addresses());
    }
    if (result.is_error())
        frame_allocator().free_contiguous(physical, frames);
    return result;
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
