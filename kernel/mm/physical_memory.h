// The kernel's two views of physical memory: all of it through the direct map, and its own
// image through the kernel window.
#pragma once

#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

#include <stdint.h>

namespace kernel {

template <typename T> T* physical_to_kernel(uint64_t physical) {
    return reinterpret_cast<T*>(abi::direct_map_base + physical);
}

// Kernel memory only: the kernel window or the direct map.
inline uint64_t kernel_to_physical(const void* pointer) {
    auto address = reinterpret_cast<uint64_t>(pointer);
    if (address >= abi::kernel_virtual_base)
        return address - abi::kernel_virtual_base;
    return address - abi::direct_map_base;
}

} // namespace kernel
