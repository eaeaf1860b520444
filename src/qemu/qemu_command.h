// The QEMU command line that boots an image through PVH with ingot's framed console on COM1.
#pragma once

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
    // The guest's NIC: a virtio-net device on a tap QEMU inherits as this descriptor.
    struct Network {
        int tap_fd = -1;
        std::array<uint8_t, 6> mac{};
    };
    std::optional<Network> network;
    // Served by QEMU's 9P server over virtio-9p, volume i with mount tag volume_mount_tag(i).
    std::vector<VolumeSpec> volumes;
};

// The mount tag of volume `index`, which the kernel command line's ingot.volume= names.
std::string volume_mount_tag(size_t index);

std::vector<std::string> qemu_command(const QemuLaunch& launch);

} // namespace ingot
