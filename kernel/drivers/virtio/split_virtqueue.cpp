#include "drivers/virtio/split_virtqueue.h"

#include "lib/utility.h"

namespace kernel::virtio {

namespace {

// Ring header: le16 flags, le16 idx; the ring follows, then one le16 event field.
constexpr size_t ring_header_size = 4;
constexpr size_t ring_event_size = 2;

size_t descriptors_size(uint16_t size) {
    return sizeof(VirtqDescriptor) * size;
}
size_t available_size(uint16_t size) {
    return ring_header_size + sizeof(uint16_t) * size + ring_event_size;
}
size_t used_offset(uint16_t size) {
    return align_up(descriptors_size(size) + available_size(size), 4);
}
size_t used_size(uint16_t size) {
    return ring_header_size + sizeof(VirtqUsedElement) * size + ring_event_size;
}

// The device reads and writes the rings concurrently: the indices are the synchronisation
// points. Publishing the available index releases the descriptors and ring entry written
// before it; reading the used index acquires the entries and buffer data the device wrote.
uint16_t load_acquire(const uint16_t* index) {
    return __atomic_load_n(index, __ATOMIC_ACQUIRE);
}
void store_release(uint16_t* index, uint16_t value) {
    __atomic_store_n(index, value, __ATOMIC_RELEASE);
}

} // namespace

size_t SplitVirtqueue::memory_size(uint16_t size) {
    return align_up(used_offset(size) + used_size(size), 16);
}

ErrorOr<void> SplitVirtqueue::initialize(uint16_t size, void* memory, uint64_t physical) {
    if (size == 0 || size > max_size || (size & (size - 1)) != 0)
        return EINVAL;
    auto* bytes = static_cast<uint8_t*>(memory);
    size_t available = descriptors_size(size);
    m_descriptors = reinterpret_cast<VirtqDescriptor*>(bytes);
    m_available_flags = reinterpret_cast<uint16_t*>(bytes + available);
    m_available_index = m_available_flags + 1;
    m_available_ring = m_available_flags + 2;
    m_used_flags = reinterpret_cast<uint16_t*>(bytes + used_offset(size));
    m_used_index = m_used_flags + 1;
    m_used_ring = reinterpret_cast<VirtqUsedElement*>(m_used_flags + 2);
    m_addresses = {physical, physical + available, physical + used_offset(size)};

    m_size = size;
    m_free_count = size;
    m_free_head = 0;
    for (uint16_t i = 0; i < size; ++i) {
        m_next[i] = static_cast<uint16_t>((i + 1) % size);
        m_chain_length[i] = 0;
    }
    m_next_available = 0;
    m_last_used = 0;
    m_broken = false;
    return {};
}

void SplitVirtqueue::suppress_interrupts() {
    __atomic_store_n(m_available_flags, available_flag_no_interrupt, __ATOMIC_RELAXED);
}

void SplitVirtqueue::enable_interrupts() {
    __atomic_store_n(m_available_flags, 0, __ATOMIC_RELAXED);
    // The device must see the flag before the driver looks at the used index again.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool SplitVirtqueue::device_wants_notification() const {
    return !(__atomic_load_n(m_used_flags, __ATOMIC_ACQUIRE) & used_flag_no_notify);
}

ErrorOr<uint16_t> SplitVirtqueue::submit(const Buffer* buffers, size_t count) {
    if (m_broken)
        return EIO;
    if (count == 0)
        return EINVAL;
    for (size_t i = 1; i < count; ++i) {
        if (buffers[i - 1].device_writes && !buffers[i].device_writes)
            return EINVAL;
    }
    if (count > m_free_count)
        return ENOSPC;

    uint16_t head = m_free_head;
    uint16_t current = head;
    uint32_t writable = 0;
    for (size_t i = 0; i < count; ++i) {
        bool last = i + 1 == count;
        auto& descriptor = m_descriptors[current];
        descriptor.address = buffers[i].physical;
        descriptor.length = buffers[i].length;
        descriptor.flags =
            static_cast<uint16_t>((last ? 0 : descriptor_flag_next) |
                                  (buffers[i].device_writes ? descriptor_flag_write : 0));
        descriptor.next = last ? 0 : m_next[current];
        if (buffers[i].device_writes)
            writable += buffers[i].length;
        if (!last)
            current = m_next[current];
    }
    m_free_head = m_next[current];
    m_free_count = static_cast<uint16_t>(m_free_count - count);
    m_chain_length[head] = static_cast<uint16_t>(count);
    m_writable_bytes[head] = writable;

    m_available_ring[m_next_available % m_size] = head;
    ++m_next_available;
    store_release(m_available_index, m_next_available);
    // The caller's notification (an MMIO or port store) must not overtake the index store.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return head;
}

bool SplitVirtqueue::has_completion() const {
    return m_size != 0 && load_acquire(m_used_index) != m_last_used;
}

ErrorOr<SplitVirtqueue::Completion> SplitVirtqueue::take_completion() {
    if (m_broken)
        return EIO;
    uint16_t used_index = load_acquire(m_used_index);
    if (used_index == m_last_used)
        return EAGAIN;
    // More returned than was ever outstanding: the device is confused.
    if (static_cast<uint16_t>(used_index - m_last_used) > m_size)
        return fail();

    VirtqUsedElement element = m_used_ring[m_last_used % m_size];
    if (element.id >= m_size || m_chain_length[element.id] == 0)
        return fail();
    auto head = static_cast<uint16_t>(element.id);
    if (element.length > m_writable_bytes[head])
        return fail();
    ++m_last_used;

    uint16_t tail = head;
    for (uint16_t i = 1; i < m_chain_length[head]; ++i)
        tail = m_next[tail];
    m_next[tail] = m_free_head;
    m_free_head = head;
    m_free_count = static_cast<uint16_t>(m_free_count + m_chain_length[head]);
    m_chain_length[head] = 0;
    return Completion{head, element.length};
}

ErrorOr<SplitVirtqueue::Completion> SplitVirtqueue::fail() {
    m_broken = true;
    return EIO;
}

} // namespace kernel::virtio
