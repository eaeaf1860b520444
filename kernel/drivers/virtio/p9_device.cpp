#include "drivers/virtio/p9_device.h"

#include "drivers/virtio/device_setup.h"
#include "drivers/virtio/polled_queue.h"
#include "lib/utility.h"
#include "time/clock.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

constexpr uint16_t request_queue = 0;
constexpr uint16_t queue_entries = 8;
// A response may wait for the host's disk (an fsync of much data): a minute before giving up.
constexpr uint64_t request_timeout_ns = 60 * clock::ns_per_second;

size_t buffer_room() {
    return align_up(64 * 1024 + 4096, abi::page_size);
}

} // namespace

ErrorOr<void> P9Device::initialize(virtio::Transport& transport) {
    m_transport = &transport;
    uint64_t features = TRY(negotiate_features(transport, p9_feature_mount_tag));
    if (!(features & p9_feature_mount_tag)) {
        mark_failed(transport);
        return ENODEV; // without a tag it cannot be matched to a volume
    }
    // struct virtio_9p_config: le16 tag_len, then the tag's bytes (no NUL).
    auto* config = static_cast<volatile uint8_t*>(transport.device_config());
    if (!config) {
        mark_failed(transport);
        return ENODEV;
    }
    size_t length = config[0] | size_t(config[1]) << 8;
    m_tag_length = min(length, max_tag_length);
    for (size_t i = 0; i < m_tag_length; ++i)
        m_tag[i] = static_cast<char>(config[2 + i]);
    size_t frames = 2 * buffer_room() / abi::page_size;
    auto memory = frame_allocator().allocate_contiguous(frames, Zeroed::No);
    if (memory.is_error()) {
        mark_failed(transport);
        return memory.error();
    }
    m_physical = memory.value();
    m_request = frame_allocator().to_virtual(m_physical);
    m_response = m_request + buffer_room();
    if (auto queue = set_up_polled_queue(transport, request_queue, queue_entries, m_queue);
        queue.is_error()) {
        mark_failed(transport);
        frame_allocator().free_contiguous(m_physical, frames);
        return queue.error();
    }
    return set_driver_ok(transport);
}

ErrorOr<size_t> P9Device::exchange(size_t length) {
    if (m_broken || length > message_bytes)
        return EIO;
    SplitVirtqueue::Buffer buffers[] = {
        {m_physical, static_cast<uint32_t>(length), false},
        {m_physical + buffer_room(), message_bytes, true},
    };
    auto chain = m_queue.submit(buffers, 2);
    if (chain.is_error())
        return EIO;
    m_transport->notify(request_queue);
    auto completion = wait_for_completion(m_queue, request_timeout_ns);
    if (completion.is_error() || completion.value().chain != chain.value() ||
        completion.value().written > message_bytes) {
        m_broken = true;
        mark_failed(*m_transport);
        return EIO;
    }
    return completion.value().written;
}

} // namespace kernel::virtio
