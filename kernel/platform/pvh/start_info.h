// The PVH boot protocol's start-of-day structures (Xen's arch-x86/hvm/start_info.h), as the
// loader (QEMU's PVH option ROM, Firecracker, cloud-hypervisor) leaves them for the kernel.
#pragma once

#include <stdint.h>

namespace kernel::pvh {

inline constexpr uint32_t start_info_magic = 0x336ec578;

struct StartInfo {
    uint32_t magic;
    uint32_t version; // 1 adds the memory map
    uint32_t flags;
    uint32_t module_count;
    uint64_t module_list;  // physical
    uint64_t command_line; // physical, NUL terminated, or 0
    uint64_t rsdp;         // physical, or 0
    uint64_t memory_map;   // physical, version >= 1
    uint32_t memory_map_entries;
    uint32_t reserved;
};

enum class MemoryType : uint32_t { Ram = 1, Reserved = 2, Acpi = 3, Nvs = 4, Unusable = 5 };

struct MemoryMapEntry {
    uint64_t address;
    uint64_t size;
    MemoryType type;
    uint32_t reserved;
};

} // namespace kernel::pvh
