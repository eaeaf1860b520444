// Everything the monitor prepares before the first instruction: the image loaded at its
// physical addresses, boot page tables (the direct map and the kernel window), BootInfo, and
// a vCPU already in 64-bit mode. No firmware, no real mode: this is why boot takes milliseconds.
#pragma once

#include "image/image.h"
#include "vmm/boot_memory.h"
#include "vmm/guest_memory.h"
#include "vmm/kvm.h"

#include <ingot/abi/boot_info.h>

#include <cstdint>
#include <optional>
#include <span>

namespace ingot {

abi::BootInfo make_boot_info(const BootLayout& layout, uint64_t memory_size, uint32_t tsc_khz,
                             std::span<const uint8_t> arguments, uint32_t flags);
void write_boot_info(const BootLayout& layout, GuestMemory& memory, const abi::BootInfo& info,
                     std::span<const uint8_t> arguments);
// On PVM hosts (nested KVM without hardware virtualization) only guest ring 3 runs SSE
// natively, so the whole guest runs there; elsewhere it runs in ring 0.
bool guest_runs_in_ring3();

void configure_vcpu(VirtualMachine& vm, Vcpu& vcpu, const BootLayout& layout, const Image& image,
                    GuestMemory& memory, bool ring3);

} // namespace ingot
