// A tap device held open in the form network_attachment.h promises: IFF_TAP | IFF_NO_PI |
// IFF_VNET_HDR, a 12-byte virtio-net header, and checksum offload only (TUN_F_CSUM), so the
// host kernel hands over no GSO frame larger than the MTU until told the reader takes them.
#pragma once

#include "net/owned_fd.h"

#include <string>

namespace ingot {

class TapDevice {
public:
    // `name` empty: a new tap named by the kernel from "ingot%d" (for -p). Otherwise --net's
    // name: attached to if it exists, created if not. A tap created here is not persistent, so
    // the kernel removes it, with its addresses and routes, when the last descriptor closes,
    // even if ingot is killed. Throws UserError with a one-line reason (and what would help)
    // when this user may not, or the name is in use. `tun_path` is for tests.
    explicit TapDevice(const std::string& name, const std::string& tun_path = "/dev/net/tun");

    int fd() const { return m_fd.get(); }
    // Lets the host kernel hand over coalesced TCP segments (TUN_F_TSO4 | TUN_F_TSO6 beside
    // TUN_F_CSUM), up to 64 KiB behind the header's gso fields. False when the tap refuses.
    static bool enable_coalescing(int fd);
    // The TUNSETOFFLOAD argument enable_coalescing() passes (the monitor's sandbox allows
    // exactly it).
    static unsigned long coalescing_offloads();
    const std::string& name() const { return m_name; }
    unsigned index() const { return m_index; }
    // True for a persistent tap that outlives ingot (one the user made with `ip tuntap add`).
    bool persistent() const { return m_persistent; }
    // True when there was no interface of that name: ingot made this tap.
    bool created() const { return m_created; }

private:
    OwnedFd m_fd;
    std::string m_name;
    unsigned m_index = 0;
    bool m_persistent = false;
    bool m_created = false;
};

} // namespace ingot
