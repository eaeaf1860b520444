// What a network driver offers the stack: the Ingot monitor's shared rings on hvt, virtio-net
// on pvh. Frames are whole Ethernet frames without FCS.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// One piece of an outgoing frame; a frame is the pieces in order (header, then payload
// straight from a socket buffer), which the driver copies into its ring.
struct TransmitFragment {
    const void* data;
    size_t length;
};

enum class IpVersion : uint8_t { v4, v6 };

// Asks the device to complete a transport checksum (virtio-net's NEEDS_CSUM): it sums the frame
// from `start` to its end and stores the folded result at `start + offset`, where the stack
// has put the pseudo-header sum. Only used when the device offers it.
//
// With `segment_size`, the frame is a TCP segment over IP `version` longer than the MTU that
// the device cuts into segments of that many payload bytes (TCP segmentation offload,
// virtio-net's HOST_TSO4 and HOST_TSO6), each with its own checksum and IP length, IPv4's
// identification counting up from the frame's; the pseudo-header sum then covers the whole
// frame's TCP length, as Linux leaves it.
struct ChecksumRequest {
    uint16_t start;            // from the frame's first byte
    uint16_t offset;           // from `start`
    uint16_t segment_size = 0; // TSO; 0 sends the frame as it is
    IpVersion version = IpVersion::v4;
};

class FrameReceiver {
public:
    virtual ~FrameReceiver() = default;
    // `frame` is valid only during the call. `checksum_verified`: the device (or host) has
    // already checked the transport checksum.
    virtual void receive_frame(const uint8_t* frame, size_t length, bool checksum_verified) = 0;
};

class NetDevice {
public:
    virtual ~NetDevice() = default;

    virtual MacAddress mac_address() const = 0;
    // Largest frame payload (IP packet) the link carries: 1500 on Ethernet.
    virtual size_t mtu() const = 0;
    virtual bool offers_checksum_offload() const = 0;
    // The longest IP packet a TCP segment over IP `version` may fill for the device to cut
    // (TSO): 65535 when it segments that version's, else mtu().
    virtual size_t tcp_segmentation_limit(IpVersion version) const = 0;

    // Queues one frame; false when the transmit queue is full (flush and try again later).
    // `checksum` may be non-null only when offers_checksum_offload(), and ask for segmentation
    // only of a frame within tcp_segmentation_limit().
    virtual bool transmit(const TransmitFragment* fragments, size_t count,
                          const ChecksumRequest* checksum) = 0;
    // Hands every queued frame to the host: one notification (one exit on hvt) per batch.
    virtual void flush() = 0;
    // Whether frames queued or flushed have not all reached the host's link yet: a device that
    // sends in the background (QEMU's virtio-net does, after the notification) would lose
    // them if the VM ended now.
    virtual bool is_transmitting() = 0;
    // Delivers up to `budget` received frames to `receiver`; returns how many it delivered.
    virtual size_t receive(FrameReceiver& receiver, size_t budget) = 0;
    // Whether received frames wait (cheap: no exit).
    virtual bool has_received() const = 0;
};

} // namespace kernel::net
