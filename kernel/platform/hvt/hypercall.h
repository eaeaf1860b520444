#pragma once

#include "mm/physical_memory.h"

#include <ingot/abi/hypercall.h>

#include <stdint.h>

namespace kernel::hvt {

template <typename Args> void hypercall(abi::Hypercall call, Args& arguments) {
    auto* doorbell = reinterpret_cast<volatile uint64_t*>(abi::hypercall_window_virtual +
                                                          abi::hypercall_offset(call));
    uint64_t physical = kernel_to_physical(&arguments);
    // A plain 64-bit store the hypervisor can decode; "memory" orders the argument block.
    asm volatile("movq %1, %0" : "=m"(*doorbell) : "r"(physical) : "memory");
}

} // namespace kernel::hvt
