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
    return indexes_room + (size_t(transmit_slots) + receive_slots) * sizeof(abi::NetSlot);
}

HvtNetDevice::HvtNetDevice(MonitorLink& monitor, const abi::NetworkInfo& info, void* memory,
                           uint64_t physical, uint32_t transmit_slots, uint32_t receive_slots)
    : m_monitor(monitor), m_physical(physical),
      m_indexes(static_cast<abi::NetRingIndexes*>(memory)),
      m_transmit_slots(
          reinterpret_cast<abi::NetSlot*>(static_cast<uint8_t*>(memory) + indexes_room)),
      m_receive_slots(m_transmit_slots + transmit_slots), m_transmit_count(transmit_slots),
      m_receive_count(receive_slots) {
    memcpy(m_mac.bytes, info.mac, sizeof m_mac.bytes);
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
    int64_t result = m_monitor.set_up(arguments);
    if (result == -static_cast<int64_t>(ENODEV))
        return ENODEV;
    if (result < 0)
        return EIO;
    return {};
}

bool HvtNetDevice::transmit(const net::TransmitFragment* fragments, size_t count,
                            const net::ChecksumRequest* checksum) {
    uint32_t consumer = load_acquire(m_indexes->transmit_consumer);
    if (m_transmit_producer - consumer >= m_transmit_count)
        return false;
    size_t length = 0;
    for (size_t i = 0; i < count; ++i)
        length += fragments[i].length;
    if (length > abi::net_frame_capacity) {
        ++m_oversized_frames; // dropped: asking to try again could never succeed
        return true;
    }
    abi::NetSlot& slot = m_transmit_slots[m_transmit_producer & (m_transmit_count - 1)];
    size_t offset = 0;
    for (size_t i = 0; i < count; ++i) {
        memcpy(slot.frame + offset, fragments[i].data, fragments[i].length);
        offset += fragments[i].length;
    }
    slot.header = {};
    if (checksum) {
        slot.header.flags = abi::virtio_net_needs_checksum;
        slot.header.checksum_start = checksum->start;
        slot.header.checksum_offset = checksum->offset;
    }
    slot.length = static_cast<uint32_t>(length);
    store_release(m_indexes->transmit_producer, ++m_transmit_producer);
    return true;
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
        // A full ring stopped the refill: the host may hold more than it could take.
        if (producer - m_receive_consumer >= m_receive_count)
            m_refilled = false;
        if (producer == m_receive_consumer) {
            // Dry: the host may hold frames the monitor has not moved in yet.
            if (m_refilled)
                break;
            kick();
            continue;
        }
        abi::NetSlot& slot = m_receive_slots[m_receive_consumer & (m_receive_count - 1)];
        size_t length = min<size_t>(slot.length, abi::net_frame_capacity);
        // NEEDS_CSUM on receive: the host's own stack sent it with the checksum left to
        // offload, so there is nothing wrong to find.
        bool verified =
            slot.header.flags & (abi::virtio_net_data_valid | abi::virtio_net_needs_checksum);
        receiver.receive_frame(slot.frame, length, verified);
        store_release(m_indexes->receive_consumer, ++m_receive_consumer);
        ++delivered;
    }
    m_refilled = false;
    return delivered;
}

bool HvtNetDevice::has_received() const {
    return load_acquire(m_indexes->receive_producer) != m_receive_consumer;
}

} // namespace kernel::hvt
