#include "drivers/virtio/console_device.h"

#include "arch/x86_64/mmio.h"
#include "drivers/virtio/device_setup.h"
#include "drivers/virtio/queue_setup.h"
#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

// struct virtio_console_config (§5.3.4): le16 cols, le16 rows, le32 max_nr_ports, ...
constexpr uint64_t config_max_nr_ports = 4;

void fill(uint16_t* entries, size_t count, uint16_t value) {
    for (size_t i = 0; i < count; ++i)
        entries[i] = value;
}

} // namespace

ErrorOr<void> VirtioConsoleDevice::initialize(Transport& transport, FrameAllocator& frames,
                                              uint32_t port) {
    m_transport = &transport;
    m_port = port;
    fill(m_control_receive_buffer, SplitVirtqueue::max_size, no_buffer);
    fill(m_control_transmit_buffer, SplitVirtqueue::max_size, no_buffer);
    fill(m_receive_buffer, SplitVirtqueue::max_size, no_buffer);
    fill(m_transmit_buffer, SplitVirtqueue::max_size, no_buffer);
    uint64_t accepted = TRY(negotiate_features(transport, console_feature_multiport));
    volatile void* config = transport.device_config();
    if (port == 0 || !(accepted & console_feature_multiport) || !config ||
        mmio::read32(config, config_max_nr_ports) <= port) {
        mark_failed(transport);
        return ENODEV;
    }
    m_receive_queue_index = receive_queue_of(port);
    m_transmit_queue_index = static_cast<uint16_t>(m_receive_queue_index + 1);
    if (auto result = set_up(frames); result.is_error()) {
        mark_failed(transport);
        return result;
    }
    TRY(set_driver_ok(transport));
    // The device answers with DEVICE_ADD for each of its ports (§5.3.6.2).
    return send_control(0, console_device_ready, 1);
}

ErrorOr<VirtioConsoleDevice::Region> VirtioConsoleDevice::allocate(FrameAllocator& frames,
                                                                   size_t bytes) {
    size_t count = align_up(bytes, abi::page_size) / abi::page_size;
    Region region;
    region.physical = TRY(frames.allocate_contiguous(count, Zeroed::Yes));
    region.memory = frames.to_virtual(region.physical);
    return region;
}

// What the device may still hold the addresses of stays allocated when this fails: the
// device is marked FAILED and never used again.
ErrorOr<void> VirtioConsoleDevice::set_up(FrameAllocator& frames) {
    Transport& transport = *m_transport;
    TRY(set_up_queue(transport, control_receive_queue, control_buffer_count, m_control_receive,
                     frames, QueueInterrupts::Suppressed));
    TRY(set_up_queue(transport, control_transmit_queue, control_buffer_count, m_control_transmit,
                     frames, QueueInterrupts::Suppressed));
    TRY(set_up_queue(transport, m_receive_queue_index, receive_buffer_count, m_receive, frames,
                     QueueInterrupts::Suppressed));
    TRY(set_up_queue(transport, m_transmit_queue_index, transmit_buffer_count, m_transmit, frames,
                     QueueInterrupts::Suppressed));
    m_control_receive_buffers =
        TRY(allocate(frames, size_t(control_buffer_size) * control_buffer_count));
    m_control_transmit_buffers =
        TRY(allocate(frames, sizeof(ConsoleControl) * control_buffer_count));
    m_receive_buffers = TRY(allocate(frames, size_t(receive_buffer_size) * receive_buffer_count));
    m_transmit_buffers =
        TRY(allocate(frames, size_t(transmit_buffer_size) * transmit_buffer_count));
    // The device may have allowed smaller queues than asked: post what fits.
    for (uint16_t i = 0; i < min(control_buffer_count, m_control_receive.size()); ++i)
        TRY(post_control_receive(i));
    for (uint16_t i = 0; i < min(receive_buffer_count, m_receive.size()); ++i)
        TRY(post_receive(i));
    for (uint16_t i = 0; i < min(transmit_buffer_count, m_transmit.size()); ++i)
        m_free_transmit[m_free_transmit_count++] = i;
    return {};
}

ErrorOr<void> VirtioConsoleDevice::post_receive(uint16_t buffer) {
    SplitVirtqueue::Buffer descriptor{m_receive_buffers.physical +
                                          uint64_t(buffer) * receive_buffer_size,
                                      receive_buffer_size, true};
    uint16_t head = TRY(m_receive.submit(&descriptor, 1));
    m_receive_buffer[head] = buffer;
    return {};
}

ErrorOr<void> VirtioConsoleDevice::post_control_receive(uint16_t buffer) {
    SplitVirtqueue::Buffer descriptor{m_control_receive_buffers.physical +
                                          uint64_t(buffer) * control_buffer_size,
                                      control_buffer_size, true};
    uint16_t head = TRY(m_control_receive.submit(&descriptor, 1));
    m_control_receive_buffer[head] = buffer;
    return {};
}

void VirtioConsoleDevice::notify_if_wanted(SplitVirtqueue& queue, uint16_t index) {
    if (queue.device_wants_notification())
        m_transport->notify(index);
}

Error VirtioConsoleDevice::fail(Errno code) {
    m_broken = true;
    mark_failed(*m_transport);
    return Error(code);
}

ErrorOr<void> VirtioConsoleDevice::send_control(uint32_t id, uint16_t event, uint16_t value) {
    // Sent messages come back once the device has read them; their slots are then free.
    for (;;) {
        auto sent = m_control_transmit.take_completion();
        if (sent.is_error() && sent.error().code() == EAGAIN)
            break;
        if (sent.is_error())
            return fail(EIO);
        uint16_t& slot = m_control_transmit_buffer[sent.value().chain];
        if (slot == no_buffer)
            return fail(EIO);
        m_control_slot_busy[slot] = false;
        slot = no_buffer;
    }
    uint16_t slot = 0;
    while (slot < control_buffer_count && m_control_slot_busy[slot])
        ++slot;
    // The device has not read the messages sent before: it is not answering.
    if (slot == control_buffer_count)
        return fail(EIO);
    ConsoleControl message{id, event, value};
    uint8_t* at = m_control_transmit_buffers.memory + slot * sizeof message;
    memcpy(at, &message, sizeof message);
    SplitVirtqueue::Buffer descriptor{m_control_transmit_buffers.physical + slot * sizeof message,
                                      sizeof message, false};
    auto head = m_control_transmit.submit(&descriptor, 1);
    if (head.is_error())
        return fail(EIO);
    m_control_slot_busy[slot] = true;
    m_control_transmit_buffer[head.value()] = slot;
    m_transport->notify(control_transmit_queue);
    return {};
}

ErrorOr<void> VirtioConsoleDevice::handle_control(const uint8_t* message, uint32_t length) {
    ConsoleControl control;
    if (length < sizeof control)
        return fail(EIO);
    memcpy(&control, message, sizeof control);
    if (control.id != m_port) {
        // A port this driver does not drive: refused, so the device does not wait for it.
        if (control.event == console_device_add)
            TRY(send_control(control.id, console_port_ready, 0));
        return {};
    }
    switch (control.event) {
    case console_device_add:
        if (m_port_added)
            return {};
        m_port_added = true;
        TRY(send_control(m_port, console_port_ready, 1));
        // The guest side is open at once: QEMU passes no input to a port until it is.
        return send_control(m_port, console_port_open, 1);
    case console_device_remove:
        return fail(EIO);
    case console_port_open:
        m_host_connected = control.value != 0;
        return {};
    default:
        return {}; // CONSOLE_PORT, RESIZE, PORT_NAME: nothing to do for a byte stream
    }
}

ErrorOr<void> VirtioConsoleDevice::poll_control() {
    if (m_broken)
        return EIO;
    bool posted = false;
    for (;;) {
        auto received = m_control_receive.take_completion();
        if (received.is_error() && received.error().code() == EAGAIN)
            break;
        if (received.is_error())
            return fail(EIO);
        uint16_t& slot = m_control_receive_buffer[received.value().chain];
        uint16_t buffer = slot;
        if (buffer == no_buffer)
            return fail(EIO);
        slot = no_buffer;
        // The split queue checked the length against the buffer's.
        TRY(handle_control(m_control_receive_buffers.memory + buffer * control_buffer_size,
                           received.value().written));
        if (post_control_receive(buffer).is_error())
            return fail(EIO);
        posted = true;
    }
    if (posted)
        notify_if_wanted(m_control_receive, control_receive_queue);
    return {};
}

ErrorOr<size_t> VirtioConsoleDevice::read(uint8_t* buffer, size_t capacity) {
    if (m_broken)
        return EIO;
    size_t done = 0;
    bool posted = false;
    while (done < capacity) {
        if (m_reading == no_buffer) {
            auto received = m_receive.take_completion();
            if (received.is_error() && received.error().code() == EAGAIN)
                break;
            if (received.is_error())
                return fail(EIO);
            uint16_t& slot = m_receive_buffer[received.value().chain];
            if (slot == no_buffer)
                return fail(EIO);
            m_reading = slot;
            slot = no_buffer;
            m_read_offset = 0;
            m_read_length = received.value().written;
        }
        uint32_t count =
            static_cast<uint32_t>(min<size_t>(capacity - done, m_read_length - m_read_offset));
        memcpy(buffer + done,
               m_receive_buffers.memory + size_t(m_reading) * receive_buffer_size + m_read_offset,
               count);
        done += count;
        m_read_offset += count;
        if (m_read_offset == m_read_length) {
            if (post_receive(m_reading).is_error())
                return fail(EIO);
            m_reading = no_buffer;
            posted = true;
        }
    }
    if (posted)
        notify_if_wanted(m_receive, m_receive_queue_index);
    return done;
}

ErrorOr<void> VirtioConsoleDevice::reap_transmitted() {
    for (;;) {
        auto sent = m_transmit.take_completion();
        if (sent.is_error() && sent.error().code() == EAGAIN)
            return {};
        if (sent.is_error())
            return fail(EIO);
        uint16_t& slot = m_transmit_buffer[sent.value().chain];
        if (slot == no_buffer)
            return fail(EIO);
        m_free_transmit[m_free_transmit_count++] = slot;
        slot = no_buffer;
        --m_transmit_in_flight;
    }
}

ErrorOr<size_t> VirtioConsoleDevice::write(const uint8_t* data, size_t length) {
    if (m_broken)
        return EIO;
    size_t done = 0;
    while (done < length) {
        if (m_filling == no_buffer) {
            if (m_free_transmit_count == 0)
                TRY(reap_transmitted());
            if (m_free_transmit_count == 0)
                break;
            m_filling = m_free_transmit[--m_free_transmit_count];
            m_fill_length = 0;
        }
        uint32_t count =
            static_cast<uint32_t>(min<size_t>(length - done, transmit_buffer_size - m_fill_length));
        memcpy(m_transmit_buffers.memory + size_t(m_filling) * transmit_buffer_size + m_fill_length,
               data + done, count);
        done += count;
        m_fill_length += count;
        if (m_fill_length == transmit_buffer_size)
            TRY(flush());
    }
    return done;
}

ErrorOr<void> VirtioConsoleDevice::flush() {
    if (m_broken)
        return EIO;
    if (m_filling == no_buffer || m_fill_length == 0)
        return {};
    SplitVirtqueue::Buffer descriptor{m_transmit_buffers.physical +
                                          size_t(m_filling) * transmit_buffer_size,
                                      m_fill_length, false};
    auto head = m_transmit.submit(&descriptor, 1);
    if (head.is_error())
        return fail(EIO);
    m_transmit_buffer[head.value()] = m_filling;
    ++m_transmit_in_flight;
    m_filling = no_buffer;
    m_fill_length = 0;
    notify_if_wanted(m_transmit, m_transmit_queue_index);
    return {};
}

ErrorOr<bool> VirtioConsoleDevice::drained() {
    if (m_broken)
        return EIO;
    TRY(reap_transmitted());
    return m_transmit_in_flight == 0;
}

} // namespace kernel::virtio
