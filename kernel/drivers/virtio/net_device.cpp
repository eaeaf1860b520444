#include "drivers/virtio/net_device.h"

#include "arch/x86_64/mmio.h"
#include "drivers/virtio/device_setup.h"
#include "drivers/virtio/queue_setup.h"
#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

// Checksums both ways and mergeable receive buffers; no segmentation offload, so no frame is
// ever longer than the MTU allows. The link status (VIRTIO_NET_F_STATUS) is not asked for: a
// link that is down loses frames, which the stack survives anyway.
constexpr uint64_t supported_features =
    net_feature_csum | net_feature_guest_csum | net_feature_mac | net_feature_mrg_rxbuf;

constexpr uint16_t wanted_queue_size = SplitVirtqueue::max_size;
constexpr size_t header_size = sizeof(VirtioNetHeader);
constexpr size_t ethernet_header_size = 14;

// The MAC sits at the start of the device configuration (struct virtio_net_config, §5.1.4).
net::MacAddress read_mac(Transport& transport) {
    net::MacAddress mac;
    volatile void* config = transport.device_config();
    for (size_t i = 0; i < sizeof mac.bytes; ++i)
        mac.bytes[i] = mmio::read8(config, i);
    return mac;
}

} // namespace

ErrorOr<void> VirtioNetDevice::initialize(Transport& transport, FrameAllocator& frames,
                                          const net::MacAddress& mac_if_device_has_none) {
    m_transport = &transport;
    m_frames = &frames;
    m_features = TRY(negotiate_features(transport, supported_features));
    m_mac = (m_features & net_feature_mac) && transport.device_config() ? read_mac(transport)
                                                                        : mac_if_device_has_none;
    auto started = [&]() -> ErrorOr<void> {
        TRY(set_up_queue(transport, receive_queue, wanted_queue_size, m_receive, frames,
                         QueueInterrupts::Wanted));
        TRY(set_up_queue(transport, transmit_queue, wanted_queue_size, m_transmit, frames,
                         QueueInterrupts::Suppressed));
        TRY(allocate_buffers(m_receive_buffers, m_receive.size()));
        TRY(allocate_buffers(m_transmit_buffers, m_transmit.size()));
        for (uint16_t slot = 0; slot < m_receive.size(); ++slot)
            TRY(post_receive_buffer(slot));
        for (uint16_t slot = 0; slot < m_transmit.size(); ++slot)
            m_free_transmit_slots[m_free_transmit_count++] = slot;
        TRY(set_driver_ok(transport));
        // The buffers were published before DRIVER_OK; the device may not look before it.
        transport.notify(receive_queue);
        m_receive_posted = false;
        return {};
    }();
    // The queues and buffers stay allocated: the device may still hold their addresses.
    if (started.is_error()) {
        m_broken = true;
        mark_failed(transport);
    }
    return started;
}

ErrorOr<void> VirtioNetDevice::allocate_buffers(BufferPool& pool, uint16_t count) {
    size_t frames_needed = align_up(count * buffer_size, abi::page_size) / abi::page_size;
    pool.physical = TRY(m_frames->allocate_contiguous(frames_needed, Zeroed::No));
    pool.memory = m_frames->to_virtual(pool.physical);
    return {};
}

ErrorOr<void> VirtioNetDevice::post_receive_buffer(uint16_t slot) {
    SplitVirtqueue::Buffer buffer{m_receive_buffers.physical_of(slot),
                                  static_cast<uint32_t>(buffer_size), true};
    uint16_t chain = TRY(m_receive.submit(&buffer, 1));
    m_receive_slot_of_chain[chain] = slot;
    m_receive_posted = true;
    return {};
}

void VirtioNetDevice::break_device() {
    if (m_broken)
        return;
    m_broken = true;
    mark_failed(*m_transport);
}

bool VirtioNetDevice::take_receive_buffer(uint16_t& slot, uint32_t& written) {
    auto completion = m_receive.take_completion();
    if (completion.is_error()) {
        if (completion.error().code() != EAGAIN)
            break_device();
        return false;
    }
    slot = m_receive_slot_of_chain[completion.value().chain];
    written = completion.value().written;
    return true;
}

bool VirtioNetDevice::take_frame(net::FrameReceiver& receiver) {
    uint16_t first_slot;
    uint32_t written;
    if (!take_receive_buffer(first_slot, written))
        return false;
    const uint8_t* first = m_receive_buffers.bytes_of(first_slot);
    VirtioNetHeader header{};
    if (written >= header_size)
        memcpy(&header, first, header_size);
    // Without mergeable buffers the device sets num_buffers to 1 (§5.1.6.4); it is not
    // trusted to.
    uint16_t buffer_count = (m_features & net_feature_mrg_rxbuf) ? header.buffer_count : 1;

    // The frame's other buffers follow in the used ring; each goes back to the device once
    // its bytes are copied.
    const uint8_t* frame = first + header_size;
    size_t length = written >= header_size ? written - header_size : 0;
    bool malformed =
        written < header_size || buffer_count == 0 || header.gso_type != abi::virtio_net_gso_none;
    bool too_long = length > max_frame_length;
    if (buffer_count > 1) {
        if (!too_long)
            memcpy(m_reassembly, frame, length);
        for (uint16_t i = 1; i < buffer_count; ++i) {
            uint16_t slot;
            uint32_t more;
            if (!take_receive_buffer(slot, more)) {
                malformed = true; // promised buffers the device never returned
                break;
            }
            if (!too_long && length + more <= max_frame_length)
                memcpy(m_reassembly + length, m_receive_buffers.bytes_of(slot), more);
            else
                too_long = true;
            length += more;
            if (post_receive_buffer(slot).is_error())
                break_device();
        }
        frame = m_reassembly;
    }

    bool delivered = false;
    if (malformed || length < ethernet_header_size) {
        ++m_counters.received_malformed;
    } else if (too_long) {
        ++m_counters.received_too_long;
    } else {
        // A partial checksum (NEEDS_CSUM) comes from the host itself, which vouches for the
        // data as for a checksum it checked (§5.1.6.4.1).
        bool verified =
            (m_features & net_feature_guest_csum) &&
            (header.flags & (abi::virtio_net_data_valid | abi::virtio_net_needs_checksum));
        receiver.receive_frame(frame, length, verified);
        delivered = true;
    }
    if (post_receive_buffer(first_slot).is_error())
        break_device();
    return delivered;
}

size_t VirtioNetDevice::receive(net::FrameReceiver& receiver, size_t budget) {
    size_t delivered = 0;
    // While frames wait, the driver polls and the device need not interrupt; the interrupt
    // is asked for again once the queue is empty, and the queue checked once more after, so
    // that a frame arriving in between is not left unsignalled.
    m_receive.suppress_interrupts();
    for (size_t taken = 0; taken < budget && !m_broken; ++taken) {
        if (!m_receive.has_completion()) {
            m_receive.enable_interrupts();
            if (!m_receive.has_completion())
                break;
            m_receive.suppress_interrupts();
        }
        if (take_frame(receiver))
            ++delivered;
    }
    if (m_receive_posted && !m_broken && m_receive.device_wants_notification())
        m_transport->notify(receive_queue);
    m_receive_posted = false;
    return delivered;
}

void VirtioNetDevice::reclaim_transmitted() {
    while (m_transmit.has_completion()) {
        auto completion = m_transmit.take_completion();
        if (completion.is_error()) {
            break_device();
            return;
        }
        m_free_transmit_slots[m_free_transmit_count++] =
            m_transmit_slot_of_chain[completion.value().chain];
    }
}

bool VirtioNetDevice::transmit(const net::TransmitFragment* fragments, size_t count,
                               const net::ChecksumRequest* checksum) {
    if (!m_broken)
        reclaim_transmitted();
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += fragments[i].length;
    bool bad_checksum_request =
        checksum && (!offers_checksum_offload() ||
                     size_t(checksum->start) + checksum->offset + sizeof(uint16_t) > length);
    // Dropped rather than refused: the stack would only offer the same frame again.
    if (m_broken || length < ethernet_header_size || length > max_frame_length ||
        bad_checksum_request) {
        ++m_counters.transmit_dropped;
        return true;
    }
    if (m_free_transmit_count == 0)
        return false;

    uint16_t slot = m_free_transmit_slots[--m_free_transmit_count];
    uint8_t* bytes = m_transmit_buffers.bytes_of(slot);
    VirtioNetHeader header{};
    if (checksum) {
        header.flags = abi::virtio_net_needs_checksum;
        header.checksum_start = checksum->start;
        header.checksum_offset = checksum->offset;
    }
    memcpy(bytes, &header, header_size);
    size_t at = header_size;
    for (size_t i = 0; i < count; ++i) {
        memcpy(bytes + at, fragments[i].data, fragments[i].length);
        at += fragments[i].length;
    }
    SplitVirtqueue::Buffer buffer{m_transmit_buffers.physical_of(slot), static_cast<uint32_t>(at),
                                  false};
    auto chain = m_transmit.submit(&buffer, 1);
    if (chain.is_error()) {
        m_free_transmit_slots[m_free_transmit_count++] = slot;
        break_device();
        ++m_counters.transmit_dropped;
        return true;
    }
    m_transmit_slot_of_chain[chain.value()] = slot;
    m_transmit_queued = true;
    return true;
}

void VirtioNetDevice::flush() {
    if (m_transmit_queued && !m_broken && m_transmit.device_wants_notification())
        m_transport->notify(transmit_queue);
    m_transmit_queued = false;
}

} // namespace kernel::virtio
