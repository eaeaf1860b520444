// The capability list of a function's configuration space (PCI 3.0 §6.7).
#pragma once

#include "drivers/pci/config_space.h"

#include <stdint.h>

namespace kernel::pci {

inline constexpr uint8_t capability_vendor_specific = 0x09;
inline constexpr uint8_t capability_msix = 0x11;

// Calls visit(id, offset) for each capability. The walk is bounded by how many capabilities
// fit after the standard header, so a looping list cannot hang it.
template <typename Visit> void for_each_capability(Address address, Visit visit) {
    constexpr uint8_t first_capability_offset = 0x40;
    constexpr int most_capabilities = (256 - first_capability_offset) / 4;
    if (!(read16(address, offset_status) & status_capabilities_list))
        return;
    uint8_t offset = read8(address, offset_capabilities) & 0xfc;
    for (int i = 0; i < most_capabilities && offset >= first_capability_offset; ++i) {
        visit(read8(address, offset), offset);
        offset = read8(address, static_cast<uint8_t>(offset + 1)) & 0xfc;
    }
}

} // namespace kernel::pci
