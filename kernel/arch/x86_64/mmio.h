// Device registers in physical memory. Every MMIO access in the kernel goes through these
// accessors: one volatile load or store of exactly the register's width, never merged, split
// or cached by the compiler, and a plain `mov` that a hypervisor's MMIO emulation decodes.
#pragma once

#include "lib/error_or.h"

#include <stdint.h>

namespace kernel {

// Where the kernel reaches [physical, physical + size) of device memory. Below 4 GiB that is
// the direct map (the pvh boot maps 0..4 GiB); higher windows are not mapped yet (ENOTSUP).
ErrorOr<volatile void*> map_mmio(uint64_t physical, uint64_t size);

} // namespace kernel

namespace kernel::mmio {

template <typename T> inline T read(volatile void* base, uint64_t offset) {
    return *reinterpret_cast<volatile T*>(static_cast<volatile uint8_t*>(base) + offset);
}

template <typename T> inline void write(volatile void* base, uint64_t offset, T value) {
    *reinterpret_cast<volatile T*>(static_cast<volatile uint8_t*>(base) + offset) = value;
}

inline uint8_t read8(volatile void* base, uint64_t offset) {
    return read<uint8_t>(base, offset);
}
inline uint16_t read16(volatile void* base, uint64_t offset) {
    return read<uint16_t>(base, offset);
}
inline uint32_t read32(volatile void* base, uint64_t offset) {
    return read<uint32_t>(base, offset);
}
inline void write8(volatile void* base, uint64_t offset, uint8_t value) {
    write<uint8_t>(base, offset, value);
}
inline void write16(volatile void* base, uint64_t offset, uint16_t value) {
    write<uint16_t>(base, offset, value);
}
inline void write32(volatile void* base, uint64_t offset, uint32_t value) {
    write<uint32_t>(base, offset, value);
}

} // namespace kernel::mmio
