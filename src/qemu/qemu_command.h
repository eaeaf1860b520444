// The QEMU command line that boots an image through PVH with ingot's framed console on COM1
// and, when asked, on a virtio-console port.
#pragma once

#include "net/network_options.h"
#include "qemu/accelerator.h"
#include "vmm/volume/volume_spec.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct QemuLaunch {
    std::string qemu;    // the executable
    std::string machine; // -machine, validated
    Accelerator accelerator = Accelerator::Tcg;
    uint64_t memory_mib = 0;
    std::string kernel; // the image file
    std::string kernel_command_line;
    // The socket QEMU inherits (at this number) for the virtio-console port that carries the
    // console (abi::pvh_console::virtio_console_port); -1 for COM1 alone.
    int console_fd = -1;
    // The guest's NIC: a virtio-net device on a tap QEMU inherits as this descriptor, or
    // (tap_fd -1) on QEMU's user-mode network, which listens on `published` itself.
    struct Network {
        int tap_fd = -1;
        std::array<uint8_t, 6> mac{};
        std::vector<PortMapping> published;
    };
    std::optional<Network> network;
    // Served by QEMU's 9P server over virtio-9p, volume i with mount tag volume_mount_tag(i).
    std::vector<VolumeSpec> volumes;
};

// The mount tag of volume `index`, which the kernel command line's ingot.volume= names.
std::string volume_mount_tag(size_t index);

// The -netdev value of QEMU's user-mode network (slirp) with NetworkPlan's User addresses and a
// hostfwd for each mapping, e.g. "user,id=net0,...,hostfwd=tcp:0.0.0.0:8080-10.0.2.15:80".
std::string user_netdev(const std::vector<PortMapping>& published);

std::vector<std::string> qemu_command(const QemuLaunch& launch);

} // namespace ingot
