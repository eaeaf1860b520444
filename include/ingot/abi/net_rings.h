// The hvt network device: two rings of fixed-size frame slots in guest memory, shared with the
// monitor. The guest fills transmit slots and kicks once per batch (NetKick); the monitor
// writes them to the host's tap and refills the receive ring from it on every kick and every
// Poll that asks for abi::poll_event_net. A frame longer than a slot (a TCP segment for the
// host to cut, or one it coalesced) spans consecutive slots. See docs/hypercalls.md.
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
    // num_buffers: the slots the frame spans, from this one (net_max_frame_slots at most; 0
    // counts as 1). Only with network_flag_segmentation (boot_info.h); ignored otherwise.
    uint16_t buffer_count;
};
static_assert(sizeof(VirtioNetHeader) == 12);

// Transmit: the host completes the checksum from checksum_start to the frame's end and stores
// it at checksum_start + checksum_offset (where the guest put the pseudo-header sum).
inline constexpr uint8_t virtio_net_needs_checksum = 1;
// Receive: the host has checked the frame's transport checksum.
inline constexpr uint8_t virtio_net_data_valid = 2;
inline constexpr uint8_t virtio_net_gso_none = 0;
// A TCP segment the host cuts into gso_size payload bytes each, behind the header_length bytes
// of headers every piece repeats; or, received, one the host coalesced (virtio 1.x 5.1.6).
inline constexpr uint8_t virtio_net_gso_tcpv4 = 1;
inline constexpr uint8_t virtio_net_gso_tcpv6 = 4;

inline constexpr uint32_t net_slot_size = 2048;
inline constexpr uint32_t net_frame_capacity = net_slot_size - 16;
inline constexpr uint32_t net_max_slots = 4096; // per ring
inline constexpr uint64_t net_ring_alignment = 64;
// The longest frame either side may hand over when segmenting: an IPv6 packet with the
// largest payload (RFC 8200 3) behind an Ethernet header and an 802.1Q tag; and the slots it
// takes.
inline constexpr uint32_t net_max_frame_length = 14 + 4 + 40 + 65535;
inline constexpr uint32_t net_max_frame_slots =
    (net_max_frame_length + net_frame_capacity - 1) / net_frame_capacity;

// One frame, or a piece of one. Transmit: the guest writes all three fields. Receive: the
// monitor writes them, `header` as the host's tap delivered it but for buffer_count. A frame
// spanning slots has its header in the first; each slot's `length` counts its own piece, and
// every piece but the last fills its slot.
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
    // net_guest_*: what the guest takes, read once by NetSetup (the guest zeroes the rings
    // before it, so an older guest asks for nothing).
    uint32_t guest_features;
    uint8_t padding0[56];
    uint32_t transmit_consumer; // monitor
    uint8_t padding1[60];
    uint32_t receive_producer; // monitor
    uint8_t padding2[60];
    uint32_t receive_consumer; // guest
    uint8_t padding3[60];
};
static_assert(sizeof(NetRingIndexes) == 256);
static_assert(__builtin_offsetof(NetRingIndexes, guest_features) == 4 &&
              __builtin_offsetof(NetRingIndexes, transmit_consumer) == 64);

// The guest takes received frames spanning slots: with network_flag_segmentation, the monitor
// then has the host coalesce TCP segments (the tap's TSO offloads), for a receive ring of at
// least 2 * net_max_frame_slots slots.
inline constexpr uint32_t net_guest_coalesced_receive = 1;

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
