#include "drivers/virtio/queue_setup.h"

#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

uint16_t largest_power_of_two_at_most(uint16_t value) {
    uint16_t power = 1;
    while (power <= value / 2)
        power = static_cast<uint16_t>(power * 2);
    return power;
}

} // namespace

ErrorOr<void> set_up_queue(Transport& transport, uint16_t index, uint16_t wanted_size,
                           SplitVirtqueue& queue, FrameAllocator& frames,
                           QueueInterrupts interrupts) {
    uint16_t maximum = transport.queue_max_size(index);
    if (maximum == 0)
        return ENODEV;
    uint16_t size = largest_power_of_two_at_most(
        min(min(maximum, wanted_size), static_cast<uint16_t>(SplitVirtqueue::max_size)));
    size_t count = align_up(SplitVirtqueue::memory_size(size), abi::page_size) / abi::page_size;
    PhysicalAddress physical = TRY(frames.allocate_contiguous(count, Zeroed::Yes));
    auto result = queue.initialize(size, frames.to_virtual(physical), physical);
    if (!result.is_error()) {
        if (interrupts == QueueInterrupts::Suppressed)
            queue.suppress_interrupts();
        result = transport.enable_queue(index, size, queue.addresses());
    }
    if (result.is_error())
        frames.free_contiguous(physical, count);
    return result;
}

} // namespace kernel::virtio
