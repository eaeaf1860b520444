// Volumes on hvt (`ingot run -v HOST:GUEST[:ro]`): the monitor serves each host directory
// over 9P2000.L (kernel/fs/p9/wire.h), one message per VolumeRequest hypercall, and tells the
// kernel where to mount them through BootInfo::volumes. See docs/hypercalls.md.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ingot::abi {

inline constexpr uint32_t max_volumes = 8;
// The guest path of a volume, without its NUL: what fits beside the other boot tables.
inline constexpr uint32_t volume_path_capacity = 248;

struct VolumeEntry {
    uint8_t read_only; // 1: every change is EROFS
    uint8_t reserved[3];
    uint32_t path_length;
    char path[volume_path_capacity]; // absolute, not NUL-terminated
};
static_assert(sizeof(VolumeEntry) == 256);

// What BootInfo::volumes points at: volume i is served as number i.
struct VolumeTable {
    uint32_t count; // at most max_volumes
    uint32_t reserved;
    VolumeEntry entries[max_volumes];
};
static_assert(sizeof(VolumeTable) == 8 + 256 * max_volumes);

// One 9P message to volume `volume` and its response. Both buffers lie in guest RAM, each at
// most 9P's msize (kernel::p9::maximum_message_size) long. The monitor reads the whole
// request before it writes any of the response, so the two may overlap.
struct VolumeRequestArgs {
    uint32_t volume;
    uint32_t reserved;
    uint64_t request; // guest-physical
    uint64_t request_length;
    uint64_t response; // guest-physical
    uint64_t response_capacity;
    int64_t result; // the response's length; -ENODEV: no such volume
};
static_assert(sizeof(VolumeRequestArgs) == 48);

} // namespace ingot::abi
