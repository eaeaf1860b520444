// Virtio's 64 feature bits cross a 32-bit register on every transport: a select register picks
// the half (0: bits 0-31, 1: bits 32-63) that the window register then carries.
#pragma once

#include "arch/x86_64/mmio.h"

#include <stdint.h>

namespace kernel::virtio {

inline uint64_t read_feature_bits(volatile void* base, uint64_t select, uint64_t window) {
    mmio::write32(base, select, 0);
    uint64_t low = mmio::read32(base, window);
    mmio::write32(base, select, 1);
    uint64_t high = mmio::read32(base, window);
    return high << 32 | low;
}

inline void write_feature_bits(volatile void* base, uint64_t select, uint64_t window,
                               uint64_t features) {
    mmio::write32(base, select, 0);
    mmio::write32(base, window, static_cast<uint32_t>(features));
    mmio::write32(base, select, 1);
    mmio::write32(base, window, static_cast<uint32_t>(features >> 32));
}

} // namespace kernel::virtio
