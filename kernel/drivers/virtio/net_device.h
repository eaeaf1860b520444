// virtio-net (virtio 1.x §5.1): a receive queue kept full of device-writable buffers and a
// transmit queue of frames, each preceded by the 12-byte virtio_net_hdr_v1. Plain logic over a
// Transport and a FrameAllocator, so the unit tests drive it against a fake device.
//
// Interrupts: only the receive queue asks for them (transmitted buffers are reclaimed when the
// next frame goes out), and only while the driver has nothing left to take from it.
#pragma once

#include "drivers/virtio/split_virtqueue.h"
#include "drivers/virtio/transport.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"
#include "net/net_device.h"
#include "net/virtio_net_header.h"

#include <ingot/abi/net_rings.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::virtio {

// Feature bits of the net device (§5.1.3).
inline constexpr uint64_t net_feature_csum = 1ull << 0;
inline constexpr uint64_t net_feature_guest_csum = 1ull << 1;
inline constexpr uint64_t net_feature_mac = 1ull << 5;
inline constexpr uint64_t net_feature_guest_tso4 = 1ull << 7;
inline constexpr uint64_t net_feature_guest_tso6 = 1ull << 8;
inline constexpr uint64_t net_feature_host_tso4 = 1ull << 11;
inline constexpr uint64_t net_feature_host_tso6 = 1ull << 12;
inline constexpr uint64_t net_feature_mrg_rxbuf = 1ull << 15;

// The accepted features less those whose dependencies are missing (§5.1.3.1): TSO needs the
// checksum offload of its direction, and our 2 KiB receive buffers take a coalesced frame
// only spread over mergeable buffers (without them §5.1.6.3.1 asks for 65562-byte ones).
uint64_t settle_net_features(uint64_t accepted);

// struct virtio_net_hdr_v1 (§5.1.6), the header every frame carries in both directions: the
// same as the hvt rings carry (the tap's), so it is defined once, with the ABI.
using VirtioNetHeader = abi::VirtioNetHeader;

class VirtioNetDevice final : public net::NetDevice {
public:
    static constexpr uint16_t receive_queue = 0;
    static constexpr uint16_t transmit_queue = 1;
    static constexpr size_t link_mtu = 1500;
    // An Ethernet header, an 802.1Q tag and an MTU of payload; longer frames are dropped.
    static constexpr size_t max_frame_length = 14 + 4 + link_mtu;
    // With TSO either way: the longest frame either side may hand over (net_rings.h says
    // why); a segment to cut fills at most max_segment_length (virtio_net_header.h).
    static constexpr size_t max_segment_frame_length = abi::net_max_frame_length;
    // Each buffer holds a header and a whole frame, so even without mergeable buffers the
    // device never needs more than one (§5.1.6.3.1), and two fit in a page. A longer (TSO)
    // frame spans a chain of them on transmit, and mergeable buffers on receive.
    static constexpr size_t buffer_size = 2048;
    static_assert(sizeof(VirtioNetHeader) + max_frame_length <= buffer_size);
    // The most buffers one frame may take; a device claiming more for one is not believed.
    static constexpr size_t max_buffers_per_frame =
        (sizeof(VirtioNetHeader) + max_segment_frame_length + buffer_size - 1) / buffer_size;

    // What went wrong, for the curious: nothing here is fatal but a broken queue.
    struct Counters {
        uint64_t received_malformed = 0; // short, no or too many buffers, GSO not asked for
        uint64_t received_too_long = 0;
        uint64_t received_coalesced = 0; // GUEST_TSO4/6 frames longer than the MTU
        uint64_t transmit_dropped = 0;   // empty, too long, or a bad checksum or TSO request
        uint64_t transmit_segmented = 0; // frames handed over for the device to cut
    };

    // Negotiates, fills the receive queue and starts the device; the transport must outlive
    // this. `mac_if_device_has_none` is the address used when the device offers no MAC
    // (Firecracker without guest_mac). ENOMEM when the frame allocator runs dry.
    ErrorOr<void> initialize(Transport& transport, FrameAllocator& frames,
                             const net::MacAddress& mac_if_device_has_none);

    net::MacAddress mac_address() const override { return m_mac; }
    size_t mtu() const override { return link_mtu; }
    bool offers_checksum_offload() const override { return m_features & net_feature_csum; }
    // A segment to cut needs a chain of max_buffers_per_frame transmit descriptors.
    size_t tcp_segmentation_limit(net::IpVersion version) const override {
        uint64_t feature =
            version == net::IpVersion::v6 ? net_feature_host_tso6 : net_feature_host_tso4;
        bool segments = (m_features & feature) && m_transmit.size() >= max_buffers_per_frame;
        return segments ? max_segment_length : link_mtu;
    }
    bool transmit(const net::TransmitFragment* fragments, size_t count,
                  const net::ChecksumRequest* checksum) override;
    void flush() override;
    // Until the device has returned every transmit buffer: it may copy them to its backend
    // (QEMU's tap) later than the notification.
    bool is_transmitting() override;
    size_t receive(net::FrameReceiver& receiver, size_t budget) override;
    bool has_received() const override { return !m_broken && m_receive.has_completion(); }

    // For the interrupt handler: reads and clears the device's interrupt status, which lowers
    // its line. Nothing else: the frames wait for receive().
    void acknowledge_interrupt() { m_transport->acknowledge_interrupt(); }

    uint64_t features() const { return m_features; }
    const Counters& counters() const { return m_counters; }
    // After the device returned a buffer it was never given, or one overfilled: the device is
    // marked FAILED, nothing is received and every frame is dropped.
    bool is_broken() const { return m_broken; }

private:
    struct BufferPool {
        PhysicalAddress physical = 0;
        uint8_t* memory = nullptr;
        uint64_t physical_of(uint16_t slot) const { return physical + slot * buffer_size; }
        uint8_t* bytes_of(uint16_t slot) const { return memory + slot * buffer_size; }
    };

    ErrorOr<void> allocate_buffers(BufferPool& pool, uint16_t count);
    ErrorOr<void> post_receive_buffer(uint16_t slot);
    // Takes one frame (one or more buffers) off the receive queue and hands it on unless it is
    // malformed; its buffers go back to the device. False when no frame was delivered.
    bool take_frame(net::FrameReceiver& receiver);
    // Takes one returned receive buffer: its slot and the bytes written. False when the queue
    // holds none or just broke.
    bool take_receive_buffer(uint16_t& slot, uint32_t& written);
    void reclaim_transmitted();
    void break_device();

    Transport* m_transport = nullptr;
    FrameAllocator* m_frames = nullptr;
    uint64_t m_features = 0;
    net::MacAddress m_mac;
    bool m_broken = false;
    Counters m_counters;

    SplitVirtqueue m_receive;
    BufferPool m_receive_buffers;
    uint16_t m_receive_slot_of_chain[SplitVirtqueue::max_size] = {};
    bool m_receive_posted = false; // since the device was last notified

    SplitVirtqueue m_transmit;
    BufferPool m_transmit_buffers;
    // A frame takes a chain of slots, one per descriptor: its first slot by chain head, the
    // rest linked from there.
    uint16_t m_transmit_slot_of_chain[SplitVirtqueue::max_size] = {};
    uint16_t m_next_transmit_slot[SplitVirtqueue::max_size] = {};
    uint16_t m_transmit_slots_of_chain[SplitVirtqueue::max_size] = {};
    uint16_t m_free_transmit_slots[SplitVirtqueue::max_size] = {};
    uint16_t m_free_transmit_count = 0;
    bool m_transmit_queued = false; // since the device was last notified

    // A frame spread over several mergeable buffers is gathered here.
    uint8_t m_reassembly[max_segment_frame_length] = {};
};

} // namespace kernel::virtio
