// The hvt network device: two rings of fixed-size frame slots in guest memory, shared with the
// monitor. The guest fills transmit slots and kicks once per batch (NetKick); the monitor
// writes them to the host's tap and refills the receive ring from it on every kick and every
// Poll that asks for abi::poll_event_net. See docs/hypercalls.md.
#pragma once

#include <stdint.h>

namespace ingot::abi {

// virtio 1.x's struct virtio_net_hdr_v1, which the tap reads and writes before every frame.
struct VirtioNetHeader {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t header_length;
    uint16_t gso_size;
    uint16_t checksum_start;
    uint16_t checksum_offset;
    uint16_t buffer_count; // num_buffers: ignored in both directions
};
static_assert(sizeof(VirtioNetHeader) == 12);

// Transmit: the host completes the checksum from checksum_start to the frame's end and stores
// it at checksum_start + checksum_offset (where the guest put the pseudo-header sum).
inline constexpr uint8_t virtio_net_needs_checksum = 1;
// Receive: the host has checked the frame's transport checksum.
inline constexpr uint8_t virtio_net_data_valid = 2;
inline constexpr uint8_t virtio_net_gso_none = 0;

inline constexpr uint32_t net_slot_size = 2048;
inline constexpr uint32_t net_frame_capacity = net_slot_size - 16;
inline constexpr uint32_t net_max_slots = 4096; // per ring
inline constexpr uint64_t net_ring_alignment = 64;

// One frame. Transmit: the guest writes all three fields. Receive: the monitor writes them,
// `header` as the host's tap delivered it.
struct NetSlot {
    VirtioNetHeader header;
    uint32_t length; // bytes of `frame` in use
    uint8_t frame[net_frame_capacity];
};
static_assert(sizeof(NetSlot) == net_slot_size);

// Free-running 32-bit counters: slot i of a ring is slots[i % count], and a ring holds
// `producer - consumer` frames (mod 2^32), never more than its slot count. Each counter is
// written by one side only, in its own cache line: the guest produces transmit frames and
// consumes received ones; the monitor does the opposite. A producer writes the slot, then
// publishes the counter (release); a consumer reads the counter (acquire), then the slot.
struct NetRingIndexes {
    uint32_t transmit_producer; // guest
    uint8_t padding0[60];
    uint32_t transmit_consumer; // monitor
    uint8_t padding1[60];
    uint32_t receive_producer; // monitor
    uint8_t padding2[60];
    uint32_t receive_consumer; // guest
    uint8_t padding3[60];
};
static_assert(sizeof(NetRingIndexes) == 256);

// Registers the rings, once. All three areas lie in guest RAM, 64-byte aligned, without
// overlapping; the slot counts are powers of two from 1 to net_max_slots. The counters start
// at zero.
struct NetSetupArgs {
    uint64_t indexes;        // guest-physical NetRingIndexes
    uint64_t transmit_slots; // guest-physical NetSlot[transmit_slot_count]
    uint64_t receive_slots;  // guest-physical NetSlot[receive_slot_count]
    uint32_t transmit_slot_count;
    uint32_t receive_slot_count;
    int64_t result; // 0; -ENODEV: the VM has no network; -EBUSY: already set up
};

// Sends every queued transmit frame, then refills the receive ring.
struct NetKickArgs {
    int64_t result; // 0; -ENODEV: no rings are set up
};

} // namespace ingot::abi
