// The frames between the hvt monitor's network device and the user-mode network: each is
// preceded by a 12-byte struct virtio_net_hdr_v1 (include/ingot/abi/net_rings.h), as on a tap
// opened with IFF_VNET_HDR, so the device reads and writes both alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ingot {

inline constexpr size_t virtio_net_header_size = 12;

// A guest that leaves a checksum to the host (VIRTIO_NET_HDR_F_NEEDS_CSUM) has put the
// pseudo-header's sum at start + offset; the host sums from `start` to the frame's end and
// stores the complement there (virtio 1.2, 5.1.6.2 "Packet Transmission", RFC 1071).
// libslirp checks every checksum it receives, so it must be complete. False, and the frame
// unchanged, when the field does not lie within the frame.
bool complete_checksum(std::span<uint8_t> frame, uint16_t start, uint16_t offset);

} // namespace ingot
