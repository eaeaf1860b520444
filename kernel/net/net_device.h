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

// Asks the device to complete a transport checksum (virtio-net's NEEDS_CSUM): it sums the frame
// from `start` to its end and stores the folded result at `start + offset`, where the stack
// has put the pseudo-header sum. Only used when the device offers it.
struct ChecksumRequest {
    uint16_t start;  // from the frame's first byte
    uint16_t offset; // from `start`
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

    // Queues one frame; false when the transmit queue is full (flush and try again later).
    // `checksum` may be non-null only when offers_checksum_offload().
    virtual bool transmit(const TransmitFragment* fragments, size_t count,
                          const ChecksumRequest* checksum) = 0;
    // Hands every queued frame to the host: one notification (one exit on hvt) per batch.
    virtual void flush() = 0;
    // Delivers up to `budget` received frames to `receiver`; returns how many it delivered.
    virtual size_t receive(FrameReceiver& receiver, size_t budget) = 0;
    // Whether received frames wait (cheap: no exit).
    virtual bool has_received() const = 0;
};

} // namespace kernel::net
