#include "drivers/virtio/net_device.h"

#include "arch/x86_64/mmio.h"
#include "drivers/virtio/device_setup.h"
#include "drivers/virtio/queue_setup.h"
#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::virtio {

namespace {

// Checksums both ways, mergeable receive buffers and TCP segmentation both ways over IPv4 and
// IPv6. The link status (VIRTIO_NET_F_STATUS) is not asked for: a link that is down loses
// frames, which the stack survives anyway.
constexpr uint64_t supported_features =
    net_feature_csum | net_feature_guest_csum | net_feature_mac | net_feature_mrg_rxbuf |
    net_feature_host_tso4 | net_feature_host_tso6 | net_feature_guest_tso4 | net_feature_guest_tso6;

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

uint64_t settle_net_features(uint64_t accepted) {
    if (!(accepted & net_feature_csum))
        accepted &= ~(net_feature_host_tso4 | net_feature_host_tso6);
    if (!(accepted & net_feature_guest_csum) || !(accepted & net_feature_mrg_rxbuf))
        accepted &= ~(net_feature_guest_tso4 | net_feature_guest_tso6);
    return accepted;
}

ErrorOr<void> VirtioNetDevice::initialize(Transport& transport, FrameAllocator& frames,
                                          const net::MacAddress& mac_if_device_has_none) {
    m_transport = &transport;
    m_frames = &frames;
    m_features = TRY(negotiate_features(transport, supported_features, settle_net_features));
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
    // trusted to. No frame needs more buffers than the longest one fills: a larger count is
    // a lie, and the buffers it claims are taken as frames of their own (and dropped as such).
    uint16_t buffer_count = (m_features & net_feature_mrg_rxbuf) ? header.buffer_count : 1;
    bool malformed = written < header_size || buffer_count == 0 ||
                     buffer_count > max_buffers_per_frame ||
                     !acceptable_receive_header(header, m_features & net_feature_guest_tso4,
                                                m_features & net_feature_guest_tso6);
    if (malformed)
        buffer_count = 1;
    // Only a coalesced segment may exceed the MTU.
    size_t longest =
        header.gso_type == abi::virtio_net_gso_none ? max_frame_length : max_segment_frame_length;

    // The frame's other buffers follow in the used ring; each goes back to the device once
    // its bytes are copied.
    const uint8_t* frame = first + header_size;
    size_t length = written >= header_size ? written - header_size : 0;
    bool too_long = length > longest;
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
            if (!too_long && length + more <= longest)
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
        if (length > max_frame_length)
            ++m_counters.received_coalesced;
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
        uint16_t chain = completion.value().chain;
        uint16_t slot = m_transmit_slot_of_chain[chain];
        for (uint16_t i = 0; i < m_transmit_slots_of_chain[chain]; ++i) {
            m_free_transmit_slots[m_free_transmit_count++] = slot;
            slot = m_next_transmit_slot[slot];
        }
    }
}

bool VirtioNetDevice::transmit(const net::TransmitFragment* fragments, size_t count,
                               const net::ChecksumRequest* checksum) {
    if (!m_broken)
        reclaim_transmitted();
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += fragments[i].length;
    VirtioNetHeader header;
    NetHeaderOffloads offloads{offers_checksum_offload(), (m_features & net_feature_host_tso4) != 0,
                               (m_features & net_feature_host_tso6) != 0, max_frame_length};
    bool acceptable = fill_transmit_header(checksum, fragments, count, length, offloads, header);
    // Dropped rather than refused: the stack would only offer the same frame again.
    if (m_broken || length < ethernet_header_size || !acceptable) {
        ++m_counters.transmit_dropped;
        return true;
    }
    // A frame longer than a slot takes a chain of them, a descriptor each: with as many slots
    // as descriptors, free slots mean free descriptors.
    size_t slots_needed = (header_size + length + buffer_size - 1) / buffer_size;
    if (m_free_transmit_count < slots_needed)
        return false;

    SplitVirtqueue::Buffer buffers[max_buffers_per_frame];
    uint16_t slots[max_buffers_per_frame];
    for (size_t i = 0; i < slots_needed; ++i) {
        slots[i] = m_free_transmit_slots[--m_free_transmit_count];
        if (i > 0)
            m_next_transmit_slot[slots[i - 1]] = slots[i];
    }
    // The header, then the fragments, poured across the slots in order.
    size_t slot_index = 0;
    size_t at = header_size;
    memcpy(m_transmit_buffers.bytes_of(slots[0]), &header, header_size);
    for (size_t i = 0; i < count; ++i) {
        auto* data = static_cast<const uint8_t*>(fragments[i].data);
        size_t left = fragments[i].length;
        while (left > 0) {
            if (at == buffer_size) {
                buffers[slot_index] = {m_transmit_buffers.physical_of(slots[slot_index]),
                                       static_cast<uint32_t>(at), false};
                ++slot_index;
                at = 0;
            }
            size_t piece = min(left, buffer_size - at);
            memcpy(m_transmit_buffers.bytes_of(slots[slot_index]) + at, data, piece);
            data += piece;
            left -= piece;
            at += piece;
        }
    }
    buffers[slot_index] = {m_transmit_buffers.physical_of(slots[slot_index]),
                           static_cast<uint32_t>(at), false};
    auto chain = m_transmit.submit(buffers, slots_needed);
    if (chain.is_error()) {
        for (size_t i = 0; i < slots_needed; ++i)
            m_free_transmit_slots[m_free_transmit_count++] = slots[i];
        break_device();
        ++m_counters.transmit_dropped;
        return true;
    }
    m_transmit_slot_of_chain[chain.value()] = slots[0];
    m_transmit_slots_of_chain[chain.value()] = static_cast<uint16_t>(slots_needed);
    if (header.gso_type != abi::virtio_net_gso_none)
        ++m_counters.transmit_segmented;
    m_transmit_queued = true;
    return true;
}

bool VirtioNetDevice::is_transmitting() {
    if (!m_broken)
        reclaim_transmitted();
    // A broken device sends nothing more: there is nothing to wait for.
    return !m_broken && (m_transmit_queued || m_free_transmit_count < m_transmit.size());
}

void VirtioNetDevice::flush() {
    if (m_transmit_queued && !m_broken && m_transmit.device_wants_notification())
        m_transport->notify(transmit_queue);
    m_transmit_queued = false;
}

} // namespace kernel::virtio
