// The Ingot monitor's network device: frame rings in guest memory shared with the monitor
// (include/ingot/abi/net_rings.h). Transmit fills slots without an exit; flush() is one NetKick
// for the whole batch. When the monitor's host end segments (abi::network_flag_segmentation),
// TCP segments up to 64 KiB span slots for the host to cut, and the host's coalesced segments
// arrive spanning slots, gathered into one frame for the stack. Received frames are read straight
// from the ring; the ring is refilled by every kick and every idle Poll, so the driver only kicks
// to look for frames itself when the ring ran dry and no refill has happened since, or the last one
// found the ring full. Plain logic: the monitor is reached through `MonitorLink`, so the unit tests
// can put the monitor's own ring code behind it.
#pragma once

#include "lib/error_or.h"
#include "net/net_device.h"
#include "net/virtio_net_header.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/net_rings.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::hvt {

// The two network hypercalls.
class MonitorLink {
public:
    virtual ~MonitorLink() = default;
    virtual int64_t set_up(const abi::NetSetupArgs& arguments) = 0; // NetSetupArgs::result
    virtual int64_t kick() = 0;                                     // NetKickArgs::result
};

class HvtNetDevice final : public net::NetDevice {
public:
    // Bytes of ring memory (indexes, then transmit slots, then receive slots, then room to
    // gather a frame spanning slots when the receive ring can take them) for these slot counts,
    // each a power of two up to abi::net_max_slots.
    static size_t memory_size(uint32_t transmit_slots, uint32_t receive_slots);

    // `memory`: memory_size() zeroed bytes, 64-byte aligned, that the monitor sees at
    // guest-physical `physical`.
    HvtNetDevice(MonitorLink& monitor, const abi::NetworkInfo& info, void* memory,
                 uint64_t physical, uint32_t transmit_slots, uint32_t receive_slots);

    // Registers the rings with the monitor, asking for coalesced frames when it segments.
    ErrorOr<void> start();

    net::MacAddress mac_address() const override { return m_mac; }
    size_t mtu() const override { return m_mtu; }
    bool offers_checksum_offload() const override { return true; }
    // IPv4's longest datagram when the host end cuts segments (either version), else the MTU.
    size_t tcp_segmentation_limit(net::IpVersion) const override {
        return m_segments ? max_segment_length : mtu();
    }
    bool transmit(const net::TransmitFragment* fragments, size_t count,
                  const net::ChecksumRequest* checksum) override;
    void flush() override;
    // The monitor writes a kick's frames to the tap before the kick returns: only what has
    // not been kicked yet is still here.
    bool is_transmitting() override { return m_transmit_producer != m_kicked_producer; }
    size_t receive(net::FrameReceiver& receiver, size_t budget) override;
    bool has_received() const override;

    // An idle Poll with abi::poll_event_net has just refilled the receive ring.
    void note_refilled() { m_refilled = true; }

    // Whether received frames may span slots (the monitor was asked to coalesce).
    bool takes_coalesced_frames() const { return m_coalesced; }
    // Frames transmit() dropped: too long, or asking for an offload the host end lacks.
    uint64_t dropped_frames() const { return m_dropped_frames; }
    // Received frames dropped: a span the monitor should never have written, or a coalesced
    // frame of a kind not asked for.
    uint64_t malformed_frames() const { return m_malformed_frames; }

private:
    void kick();
    // The slots a frame of `length` bytes takes.
    static uint32_t slots_for(size_t length);
    // Copies `length` bytes from `fragments` into the `slots` transmit slots from the
    // producer on.
    void fill_transmit_slots(const net::TransmitFragment* fragments, size_t count, size_t length,
                             uint32_t slots);
    // Hands the frame at the receive consumer (spanning `available` slots at most) to
    // `receiver` unless it is malformed (`delivered` says which); returns the slots it took.
    uint32_t take_frame(net::FrameReceiver& receiver, uint32_t available, bool& delivered);

    MonitorLink& m_monitor;
    net::MacAddress m_mac;
    size_t m_mtu;
    uint64_t m_physical;
    abi::NetRingIndexes* m_indexes;
    abi::NetSlot* m_transmit_slots;
    abi::NetSlot* m_receive_slots;
    uint8_t* m_reassembly; // net_max_frame_length bytes when m_coalesced
    uint32_t m_transmit_count;
    uint32_t m_receive_count;
    bool m_segments;  // TCP segments up to max_segment_length go out whole
    bool m_coalesced; // received frames may span slots
    // Holding this many frames or more, the receive ring may have stopped the monitor's refill.
    uint32_t m_refill_stop;
    // The counters this side owns; the monitor only reads their shared copies.
    uint32_t m_transmit_producer = 0;
    uint32_t m_receive_consumer = 0;
    uint32_t m_kicked_producer = 0;
    bool m_refilled = false;
    uint64_t m_dropped_frames = 0;
    uint64_t m_malformed_frames = 0;
};

} // namespace kernel::hvt
