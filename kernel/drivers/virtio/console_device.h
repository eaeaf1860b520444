// virtio-console (virtio 1.x §5.3) with VIRTIO_CONSOLE_F_MULTIPORT: one port of the device
// carries a byte stream each way, in page-sized buffers rather than a byte per port I/O. The
// control queues (§5.3.6.2) announce the port and its host side's connection. QEMU keeps port 0
// for `virtconsole`, which drops output its chardev cannot take at once; a `virtserialport`
// holds the transmit buffer until the host reads it, so a slow host holds the guest back
// instead of losing output. Polled, no interrupts. Plain logic over a transport and a frame
// allocator, unit tested against a fake device.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "drivers/virtio/transport.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::virtio {

inline constexpr uint64_t console_feature_multiport = 1ull << 1;

// struct virtio_console_control (§5.3.6.2), little endian.
struct ConsoleControl {
    uint32_t id; // the port
    uint16_t event;
    uint16_t value;
};
static_assert(sizeof(ConsoleControl) == 8);

inline constexpr uint16_t console_device_ready = 0;
inline constexpr uint16_t console_device_add = 1;
inline constexpr uint16_t console_device_remove = 2;
inline constexpr uint16_t console_port_ready = 3;
inline constexpr uint16_t console_port_open = 6;

class VirtioConsoleDevice {
public:
    static constexpr uint16_t control_receive_queue = 2;
    static constexpr uint16_t control_transmit_queue = 3;
    // Port n > 0 uses queues 2n + 2 (receive) and 2n + 3 (transmit) (§5.3.2).
    static constexpr uint16_t receive_queue_of(uint32_t port) {
        return static_cast<uint16_t>(2 * port + 2);
    }

    // One page each: QEMU fills receive buffers from its chardev 4 KiB at a time.
    static constexpr uint32_t receive_buffer_size = 4096;
    static constexpr uint16_t receive_buffer_count = 32;
    static constexpr uint32_t transmit_buffer_size = 16384;
    static constexpr uint16_t transmit_buffer_count = 8;
    static constexpr uint32_t control_buffer_size = 128; // a header and a port name
    static constexpr uint16_t control_buffer_count = 16;

    // Negotiates MULTIPORT, sets up the control queues and port `port`'s, posts the receive
    // buffers and tells the device the driver is ready (DEVICE_READY). The port opens as the
    // device answers: call poll_control() until is_open(). ENODEV when the device has no
    // MULTIPORT or fewer ports than `port` + 1 (port 0 is not supported), ENOMEM without the
    // memory. The transport must outlive this; on failure the device is left FAILED.
    ErrorOr<void> initialize(Transport& transport, FrameAllocator& frames, uint32_t port);

    // Handles the device's control messages: adding the port (answered by PORT_READY and
    // PORT_OPEN), its host side opening or closing. EIO when the device broke a queue, sent a
    // truncated message or removed the port; the device is then unusable.
    ErrorOr<void> poll_control();
    // The device added the port and its host side is connected.
    bool is_open() const { return m_port_added && m_host_connected && !m_broken; }

    // Copies up to `capacity` received bytes, oldest first, into `buffer` and gives emptied
    // buffers back to the device. EIO once the device broke the receive queue.
    ErrorOr<size_t> read(uint8_t* buffer, size_t capacity);

    // Appends `length` bytes to the output, handing each filled buffer to the device. Returns
    // how many it took: fewer (even 0) when every transmit buffer is with the device, which
    // frees them as the host reads. EIO once the device broke the transmit queue.
    ErrorOr<size_t> write(const uint8_t* data, size_t length);
    // Hands the partly filled buffer to the device.
    ErrorOr<void> flush();
    // Whether the device has returned every buffer handed to it (its contents reached the host).
    ErrorOr<bool> drained();

private:
    struct Region {
        PhysicalAddress physical = 0;
        uint8_t* memory = nullptr;
    };
    static constexpr uint16_t no_buffer = 0xffff;

    ErrorOr<void> set_up(FrameAllocator& frames);
    ErrorOr<Region> allocate(FrameAllocator& frames, size_t bytes);
    ErrorOr<void> post_receive(uint16_t buffer);
    ErrorOr<void> post_control_receive(uint16_t buffer);
    ErrorOr<void> send_control(uint32_t id, uint16_t event, uint16_t value);
    ErrorOr<void> handle_control(const uint8_t* message, uint32_t length);
    ErrorOr<void> reap_transmitted();
    void notify_if_wanted(SplitVirtqueue& queue, uint16_t index);
    Error fail(Errno code);

    Transport* m_transport = nullptr;
    uint32_t m_port = 0;
    uint16_t m_receive_queue_index = 0;
    uint16_t m_transmit_queue_index = 0;
    SplitVirtqueue m_control_receive;
    SplitVirtqueue m_control_transmit;
    SplitVirtqueue m_receive;
    SplitVirtqueue m_transmit;
    Region m_control_receive_buffers;
    Region m_control_transmit_buffers;
    Region m_receive_buffers;
    Region m_transmit_buffers;

    // Per chain head: the buffer it carries (no_buffer when none is in flight there). The
    // device names chains by head; the buffers are the driver's to index.
    uint16_t m_control_receive_buffer[SplitVirtqueue::max_size];
    uint16_t m_control_transmit_buffer[SplitVirtqueue::max_size];
    uint16_t m_receive_buffer[SplitVirtqueue::max_size];
    uint16_t m_transmit_buffer[SplitVirtqueue::max_size];
    bool m_control_slot_busy[control_buffer_count] = {};

    // The received buffer being read: its index, bytes read and bytes the device wrote.
    uint16_t m_reading = no_buffer;
    uint32_t m_read_offset = 0;
    uint32_t m_read_length = 0;

    // Transmit buffers not with the device (a stack), and the one being filled.
    uint16_t m_free_transmit[transmit_buffer_count];
    uint16_t m_free_transmit_count = 0;
    uint16_t m_filling = no_buffer;
    uint32_t m_fill_length = 0;
    uint16_t m_transmit_in_flight = 0;

    bool m_port_added = false;
    bool m_host_connected = false;
    bool m_broken = false;
};

} // namespace kernel::virtio
