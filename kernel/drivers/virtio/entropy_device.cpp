#include "drivers/virtio/entropy_device.h"

#include "drivers/virtio/device_setup.h"
#include "drivers/virtio/polled_queue.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

constexpr uint16_t request_queue = 0;
// One request is in flight at a time; a few entries leave room without wasting a frame.
constexpr uint16_t queue_entries = 8;
constexpr uint64_t request_timeout_ns = clock::ns_per_second;

} // namespace

ErrorOr<void> EntropyDevice::initialize(Transport& transport) {
    m_transport = &transport;
    TRY(negotiate_features(transport, 0));
    auto bounce = frame_allocator().allocate(Zeroed::No);
    if (bounce.is_error()) {
        mark_failed(transport);
        return bounce.error();
    }
    m_bounce_physical = bounce.value();
    m_bounce = frame_allocator().to_virtual(m_bounce_physical);
    if (auto queue = set_up_polled_queue(transport, request_queue, queue_entries, m_queue);
        queue.is_error()) {
        mark_failed(transport);
        frame_allocator().free(m_bounce_physical);
        return queue.error();
    }
    return set_driver_ok(transport);
}

ErrorOr<size_t> EntropyDevice::request(size_t length) {
    SplitVirtqueue::Buffer buffer{m_bounce_physical, static_cast<uint32_t>(length), true};
    uint16_t chain = TRY(m_queue.submit(&buffer, 1));
    m_transport->notify(request_queue);
    auto completion = TRY(wait_for_completion(m_queue, request_timeout_ns));
    if (completion.chain != chain)
        return EIO;
    return completion.written;
}

Error EntropyDevice::give_up(Errno code) {
    m_broken = true;
    mark_failed(*m_transport);
    return Error(code);
}

ErrorOr<void> EntropyDevice::read(void* buffer, size_t length) {
    if (m_broken)
        return EIO;
    auto* destination = static_cast<uint8_t*>(buffer);
    uint64_t deadline = clock::monotonic_ns() + request_timeout_ns;
    while (length > 0) {
        auto written = request(min<size_t>(length, abi::page_size));
        if (written.is_error())
            return give_up(written.error().code());
        // A device may answer with fewer bytes than asked, even none; it gets a second in all
        // to fill the buffer.
        if (written.value() == 0 && clock::monotonic_ns() >= deadline)
            return give_up(ETIMEDOUT);
        memcpy(destination, m_bounce, written.value());
        destination += written.value();
        length -= written.value();
    }
    return {};
}

} // namespace kernel::virtio
