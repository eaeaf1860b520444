// A split virtqueue (virtio 1.x §2.7): the descriptor table, the available ring the driver
// publishes chains in, and the used ring the device returns them through. Plain logic on
// memory the device can reach, so it is unit tested on the host against a fake device.
// Little endian throughout, as x86 is: the rings' le16/le32/le64 fields are stored natively.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::virtio {

struct VirtqDescriptor {
    uint64_t address;
    uint32_t length;
    uint16_t flags;
    uint16_t next;
};
static_assert(sizeof(VirtqDescriptor) == 16);

inline constexpr uint16_t descriptor_flag_next = 1;
inline constexpr uint16_t descriptor_flag_write = 2;
// In the available ring's flags: the driver polls, the device need not interrupt.
inline constexpr uint16_t available_flag_no_interrupt = 1;
// In the used ring's flags: the device polls, the driver need not notify.
inline constexpr uint16_t used_flag_no_notify = 1;

struct VirtqUsedElement {
    uint32_t id;
    uint32_t length;
};

// Guest-physical addresses of a queue's three parts, as the transport hands them to the device.
struct QueueAddresses {
    uint64_t descriptors;
    uint64_t available;
    uint64_t used;
};

class SplitVirtqueue {
public:
    // Bounds the driver-side bookkeeping, which lives in this object rather than in memory the
    // device could overwrite.
    static constexpr uint16_t max_size = 256;

    struct Buffer {
        uint64_t physical;
        uint32_t length;
        bool device_writes;
    };

    struct Completion {
        uint16_t chain; // the head descriptor submit() returned
        uint32_t written;
    };

    // Bytes of device-visible memory a queue of `size` entries needs (16-byte aligned).
    static size_t memory_size(uint16_t size);

    // `memory` holds memory_size(size) zeroed bytes, 16-byte aligned, that the device sees at
    // `physical`. EINVAL for a size that is zero, above max_size or not a power of two.
    ErrorOr<void> initialize(uint16_t size, void* memory, uint64_t physical);

    uint16_t size() const { return m_size; }
    uint16_t free_descriptors() const { return m_free_count; }
    QueueAddresses addresses() const { return m_addresses; }

    // Asks the device not to interrupt for this queue: the driver polls it.
    void suppress_interrupts();
    // Asks for interrupts again. A completion the device returned just before may have gone
    // unsignalled: check has_completion() after this.
    void enable_interrupts();
    // Whether the device asks to be notified of new chains; a hint the device may ignore, read
    // after submit() has published them.
    bool device_wants_notification() const;

    // Chains the buffers (device-readable ones first, as the spec requires) and publishes the
    // chain; the caller then notifies the device. Returns the chain's head, which its
    // completion carries. ENOSPC when too few descriptors are free, EINVAL for an empty or
    // misordered chain, EIO once the device has broken the queue.
    ErrorOr<uint16_t> submit(const Buffer* buffers, size_t count);

    bool has_completion() const;
    // The next chain the device has returned, its descriptors freed. EAGAIN when there is none;
    // EIO when the device returned something it was never given or wrote past a chain's
    // buffers: the queue is then broken and refuses further work.
    ErrorOr<Completion> take_completion();

private:
    ErrorOr<Completion> fail();

    VirtqDescriptor* m_descriptors = nullptr;
    uint16_t* m_available_flags = nullptr;
    uint16_t* m_available_index = nullptr;
    uint16_t* m_available_ring = nullptr;
    uint16_t* m_used_flags = nullptr;
    uint16_t* m_used_index = nullptr;
    VirtqUsedElement* m_used_ring = nullptr;
    QueueAddresses m_addresses{};

    uint16_t m_size = 0;
    uint16_t m_free_count = 0;
    uint16_t m_free_head = 0;
    uint16_t m_next_available = 0; // free-running, wraps at 65536 as the ring index does
    uint16_t m_last_used = 0;
    bool m_broken = false;

    // Per descriptor: the next one in its chain or on the free list.
    uint16_t m_next[max_size] = {};
    // Per chain head: descriptors in the chain (0 when not in flight), bytes the device may write.
    uint16_t m_chain_length[max_size] = {};
    uint32_t m_writable_bytes[max_size] = {};
};

} // namespace kernel::virtio
