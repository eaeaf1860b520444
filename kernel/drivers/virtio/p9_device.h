// virtio-9p (virtio 1.x §5.3, device type 9): QEMU's 9P server for a `-v` volume on pvh. One
// queue; each request is a chain of the T-message (device-readable) and room for the
// R-message (device-writable). The client waits for each response, so the queue is polled.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "drivers/virtio/transport.h"
#include "fs/p9/transport.h"
#include "lib/error_or.h"
#include "lib/string_view.h"
#include "mm/frame_allocator.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::virtio {

// The device has a mount tag in its configuration (§5.3.3).
inline constexpr uint64_t p9_feature_mount_tag = 1ull << 0;

class P9Device final : public p9::Transport {
public:
    static constexpr size_t max_tag_length = 64;

    // Negotiates, reads the mount tag, sets up the queue and the message buffers and starts
    // the device; the transport must outlive this.
    ErrorOr<void> initialize(virtio::Transport& transport);

    StringView mount_tag() const { return {m_tag, m_tag_length}; }

    uint32_t message_size() const override { return message_bytes; }
    uint8_t* request_buffer() override { return m_request; }
    uint8_t* response_buffer() override { return m_response; }
    // EIO when the device misbehaves or leaves a request unanswered for a minute: the device
    // is then not used again.
    ErrorOr<size_t> exchange(size_t length) override;

private:
    static constexpr uint32_t message_bytes = 64 * 1024 + 4096;

    virtio::Transport* m_transport = nullptr;
    SplitVirtqueue m_queue;
    char m_tag[max_tag_length] = {};
    size_t m_tag_length = 0;
    PhysicalAddress m_physical = 0; // request, then response
    uint8_t* m_request = nullptr;
    uint8_t* m_response = nullptr;
    bool m_broken = false;
};

} // namespace kernel::virtio
