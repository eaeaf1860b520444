// The virtio-net header (virtio 1.x 5.1.6) both network drivers speak: virtio-net to its
// device, and the hvt rings, whose monitor hands it to a tap as it is. Filling it from the
// stack's request and judging a received one is written once, here.
#pragma once

#include "lib/utility.h"
#include "net/net_device.h"

#include <ingot/abi/net_rings.h>

#include <stddef.h>

namespace kernel {

// What the device has agreed to do with the header.
struct NetHeaderOffloads {
    bool checksum = false;   // complete a transport checksum (NEEDS_CSUM)
    bool segment_v4 = false; // cut TCP segments over IPv4 (HOST_TSO4)
    bool segment_v6 = false; // and over IPv6 (HOST_TSO6)
    size_t max_frame_length; // the longest frame it takes whole
};

// The longest IP packet a TCP segment to cut may fill: IPv4's longest datagram (a device that
// cuts segments answers it as tcp_segmentation_limit() for either version); and the longest
// frame that makes, behind an Ethernet header and an 802.1Q tag.
inline constexpr size_t max_segment_length = 65535;
inline constexpr size_t max_cut_frame_length = 14 + 4 + max_segment_length;

// Fills `header` for a frame of `length` bytes (`fragments`) and the stack's `checksum`
// request (null: none); false when the device cannot meet it: an offload not agreed, offsets
// outside the frame, a frame too long, a segment without whole TCP headers before its payload.
bool fill_transmit_header(const net::ChecksumRequest* checksum,
                          const net::TransmitFragment* fragments, size_t count, size_t length,
                          const NetHeaderOffloads& offloads, abi::VirtioNetHeader& header);

// Whether a received header describes a frame to take: no GSO, or a coalesced TCP segment of a
// kind agreed, whose checksum the host has checked or left partial (either vouches for it).
bool acceptable_receive_header(const abi::VirtioNetHeader& header, bool coalesced_v4,
                               bool coalesced_v6);

} // namespace kernel
