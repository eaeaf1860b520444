// What `ingot run` hands a platform when the VM has a network: the host end (a tap) and how the
// guest's interface is to be configured. Built by src/net/host_network (from --net, --ip, --gw,
// --dns, --mac, -p); the hvt monitor serves it through its rings, QEMU through virtio-net.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace ingot {

struct GuestNetworkConfig {
    std::array<uint8_t, 6> mac{};
    uint32_t address = 0; // IPv4, host byte order; 0 with use_dhcp
    uint8_t prefix_length = 0;
    uint32_t gateway = 0; // 0: none
    uint32_t dns = 0;     // 0: none
    bool use_dhcp = false;
    // IPv6 (--ip6/--gw6), network byte order; all zero: none (the guest still forms its
    // link-local address and listens to router advertisements).
    std::array<uint8_t, 16> address6{};
    uint8_t prefix_length6 = 0;
    std::array<uint8_t, 16> gateway6{};
};

struct NetworkAttachment {
    // Opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and TUNSETVNETHDRSZ 12: every frame read
    // or written is preceded by a 12-byte struct virtio_net_hdr_v1 (flags, gso, checksum
    // start/offset, num_buffers), so checksums can be left to the host.
    int tap_fd = -1;
    std::string tap_name;
    // Set when the host end is a tap: it then takes TCP segments to cut (the header's gso
    // fields), and this turns on its coalescing of what it hands over (TSO4/TSO6 offloads),
    // which only a guest that asks gets; false when the host end refuses. Empty over libslirp's
    // socket pair, which takes plain frames only.
    std::function<bool()> enable_coalescing;
    GuestNetworkConfig guest;
};

} // namespace ingot
