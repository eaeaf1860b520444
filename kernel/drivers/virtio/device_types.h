// Virtio device IDs (virtio 1.x §5), as both transports report them.
#pragma once

#include <stdint.h>

namespace kernel::virtio {

inline constexpr uint32_t device_type_net = 1;
inline constexpr uint32_t device_type_block = 2;
inline constexpr uint32_t device_type_console = 3;
inline constexpr uint32_t device_type_entropy = 4;
inline constexpr uint32_t device_type_balloon = 5;
inline constexpr uint32_t device_type_scsi = 8;
inline constexpr uint32_t device_type_9p = 9;
inline constexpr uint32_t device_type_gpu = 16;
inline constexpr uint32_t device_type_input = 18;
inline constexpr uint32_t device_type_vsock = 19;
inline constexpr uint32_t device_type_fs = 26;

// The name Linux and QEMU use for the device, for the boot log; nullptr when unknown.
inline const char* device_type_name(uint32_t type) {
    switch (type) {
    case device_type_net:
        return "virtio-net";
    case device_type_block:
        return "virtio-blk";
    case device_type_console:
        return "virtio-console";
    case device_type_entropy:
        return "virtio-rng";
    case device_type_balloon:
        return "virtio-balloon";
    case device_type_scsi:
        return "virtio-scsi";
    case device_type_9p:
        return "virtio-9p";
    case device_type_gpu:
        return "virtio-gpu";
    case device_type_input:
        return "virtio-input";
    case device_type_vsock:
        return "virtio-vsock";
    case device_type_fs:
        return "virtio-fs";
    default:
        return nullptr;
    }
}

} // namespace kernel::virtio
