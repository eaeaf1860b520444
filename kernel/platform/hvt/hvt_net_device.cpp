#include "platform/hvt/hvt_net_device.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::hvt {

namespace {

constexpr size_t ethernet_header_size = 14;
constexpr size_t vlan_tag_size = 4;
// The indexes take a whole slot's room, so the slots stay slot-aligned.
constexpr size_t indexes_room = abi::net_slot_size;
static_assert(sizeof(abi::NetRingIndexes) <= indexes_room);
// A ring that could hold only one frame spanning slots would stall on the second: spanning
// frames are used only where two fit.
constexpr uint32_t spanning_ring_slots = 2 * abi::net_max_frame_slots;

// The monitor reads and writes the rings between this side's accesses (on a future I/O
// thread, during them): the counters are the synchronisation points. Publishing a counter
// releases the slots written before it; reading the other side's counter acquires its slots.
uint32_t load_acquire(const uint32_t& counter) {
    return __atomic_load_n(&counter, __ATOMIC_ACQUIRE);
}
void store_release(uint32_t& counter, uint32_t value) {
    __atomic_store_n(&counter, value, __ATOMIC_RELEASE);
}

} // namespace

size_t HvtNetDevice::memory_size(uint32_t transmit_slots, uint32_t receive_slots) {
    size_t reassembly = receive_slots >= spanning_ring_slots ? abi::net_max_frame_length : 0;
    return indexes_room + (size_t(transmit_slots) + receive_slots) * sizeof(abi::NetSlot) +
           reassembly;
}

uint32_t HvtNetDevice::slots_for(size_t length) {
    return length <= abi::net_frame_capacity
               ? 1
               : static_cast<uint32_t>((length + abi::net_frame_capacity - 1) /
                                       abi::net_frame_capacity);
}

HvtNetDevice::HvtNetDevice(MonitorLink& monitor, const abi::NetworkInfo& info, void* memory,
                           uint64_t physical, uint32_t transmit_slots, uint32_t receive_slots)
    : m_monitor(monitor), m_physical(physical),
      m_indexes(static_cast<abi::NetRingIndexes*>(memory)),
      m_transmit_slots(
          reinterpret_cast<abi::NetSlot*>(static_cast<uint8_t*>(memory) + indexes_room)),
      m_receive_slots(m_transmit_slots + transmit_slots),
      m_reassembly(reinterpret_cast<uint8_t*>(m_receive_slots + receive_slots)),
      m_transmit_count(transmit_slots), m_receive_count(receive_slots) {
    memcpy(m_mac.bytes, info.mac, sizeof m_mac.bytes);
    bool host_segments = info.flags & abi::network_flag_segmentation;
    m_segments = host_segments && transmit_slots >= spanning_ring_slots;
    m_coalesced = host_segments && receive_slots >= spanning_ring_slots;
    // The monitor reads from the host only into room for the longest frame.
    m_refill_stop = m_coalesced ? receive_slots - abi::net_max_frame_slots + 1 : receive_slots;
    size_t largest = abi::net_frame_capacity - ethernet_header_size - vlan_tag_size;
    m_mtu = info.mtu && info.mtu <= largest ? info.mtu : largest;
}

ErrorOr<void> HvtNetDevice::start() {
    abi::NetSetupArgs arguments{};
    arguments.indexes = m_physical;
    arguments.transmit_slots = m_physical + indexes_room;
    arguments.receive_slots = arguments.transmit_slots + m_transmit_count * sizeof(abi::NetSlot);
    arguments.transmit_slot_count = m_transmit_count;
    arguments.receive_slot_count = m_receive_count;
    m_indexes->guest_features = m_coalesced ? abi::net_guest_coalesced_receive : 0;
    int64_t result = m_monitor.set_up(arguments);
    if (result == -static_cast<int64_t>(ENODEV))
        return ENODEV;
    if (result < 0)
        return EIO;
    return {};
}

bool HvtNetDevice::transmit(const net::TransmitFragment* fragments, size_t count,
                            const net::ChecksumRequest* checksum) {
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += fragments[i].length;
    abi::VirtioNetHeader header;
    NetHeaderOffloads offloads{true, m_segments, m_segments, abi::net_frame_capacity};
    if (!fill_transmit_header(checksum, fragments, count, length, offloads, header)) {
        ++m_dropped_frames; // asking to try again could never succeed
        return true;
    }
    uint32_t slots = slots_for(length);
    uint32_t consumer = load_acquire(m_indexes->transmit_consumer);
    if (m_transmit_count - (m_transmit_producer - consumer) < slots)
        return false;
    header.buffer_count = static_cast<uint16_t>(slots);
    fill_transmit_slots(fragments, count, length, slots);
    m_transmit_slots[m_transmit_producer & (m_transmit_count - 1)].header = header;
    m_transmit_producer += slots;
    store_release(m_indexes->transmit_producer, m_transmit_producer);
    return true;
}

void HvtNetDevice::fill_transmit_slots(const net::TransmitFragment* fragments, size_t count,
                                       size_t length, uint32_t slots) {
    size_t fragment = 0;
    size_t fragment_offset = 0;
    for (uint32_t i = 0; i < slots; ++i) {
        abi::NetSlot& slot = m_transmit_slots[(m_transmit_producer + i) & (m_transmit_count - 1)];
        size_t piece = min<size_t>(length, abi::net_frame_capacity);
        for (size_t filled = 0; filled < piece;) {
            size_t take = min(piece - filled, fragments[fragment].length - fragment_offset);
            memcpy(slot.frame + filled,
                   static_cast<const uint8_t*>(fragments[fragment].data) + fragment_offset, take);
            filled += take;
            fragment_offset += take;
            if (fragment_offset == fragments[fragment].length) {
                ++fragment;
                fragment_offset = 0;
            }
        }
        slot.header = {};
        slot.length = static_cast<uint32_t>(piece);
        length -= piece;
    }
}

void HvtNetDevice::flush() {
    if (m_transmit_producer != m_kicked_producer)
        kick();
}

void HvtNetDevice::kick() {
    // A kick sends all that is queued and refills the receive ring, whatever it was for.
    m_monitor.kick();
    m_kicked_producer = m_transmit_producer;
    m_refilled = true;
}

size_t HvtNetDevice::receive(net::FrameReceiver& receiver, size_t budget) {
    size_t delivered = 0;
    while (delivered < budget) {
        uint32_t producer = load_acquire(m_indexes->receive_producer);
        // A ring too full for one more frame stopped the refill: the host may hold more.
        if (producer - m_receive_consumer >= m_refill_stop)
            m_refilled = false;
        if (producer == m_receive_consumer) {
            // Dry: the host may hold frames the monitor has not moved in yet.
            if (m_refilled)
                break;
            kick();
            continue;
        }
        bool taken = false;
        m_receive_consumer += take_frame(receiver, producer - m_receive_consumer, taken);
        store_release(m_indexes->receive_consumer, m_receive_consumer);
        delivered += taken;
    }
    m_refilled = false;
    return delivered;
}

uint32_t HvtNetDevice::take_frame(net::FrameReceiver& receiver, uint32_t available,
                                  bool& delivered) {
    auto slot_at = [&](uint32_t i) -> abi::NetSlot& {
        return m_receive_slots[(m_receive_consumer + i) & (m_receive_count - 1)];
    };
    abi::NetSlot& first = slot_at(0);
    abi::VirtioNetHeader header = first.header;
    uint32_t slots = m_coalesced && header.buffer_count ? header.buffer_count : 1;
    // The monitor is trusted, but a span it cannot have written is not followed.
    if (slots > abi::net_max_frame_slots || slots > available) {
        ++m_malformed_frames;
        return 1;
    }
    const uint8_t* frame = first.frame;
    size_t length = min<size_t>(first.length, abi::net_frame_capacity);
    bool fits = true;
    if (slots > 1) {
        length = 0;
        for (uint32_t i = 0; i < slots && fits; ++i) {
            size_t piece = min<size_t>(slot_at(i).length, abi::net_frame_capacity);
            fits = length + piece <= abi::net_max_frame_length;
            if (fits)
                memcpy(m_reassembly + length, slot_at(i).frame, piece);
            length += piece;
        }
        frame = m_reassembly;
    }
    if (!fits || !acceptable_receive_header(header, m_coalesced, m_coalesced)) {
        ++m_malformed_frames;
        return slots;
    }
    // NEEDS_CSUM on receive: the host's own stack sent it with the checksum left to offload,
    // so there is nothing wrong to find.
    bool verified = header.flags & (abi::virtio_net_data_valid | abi::virtio_net_needs_checksum);
    receiver.receive_frame(frame, length, verified);
    delivered = true;
    return slots;
}

bool HvtNetDevice::has_received() const {
    return load_acquire(m_indexes->receive_producer) != m_receive_consumer;
}

} // namespace kernel::hvt
