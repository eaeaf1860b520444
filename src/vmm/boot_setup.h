// Everything the monitor prepares before the first instruction: the image loaded at its
// physical addresses, boot page tables (the direct map and the kernel window), BootInfo, and
// a vCPU already in 64-bit mode. No firmware, no real mode: this is why boot takes milliseconds.
#pragma once

#include "image/image.h"
#include "vmm/guest_memory.h"
#include "vmm/kvm.h"

#include <ingot/abi/boot_info.h>

#include <cstdint>
#include <optional>
#include <span>

namespace ingot {

struct BootLayout {
    uint64_t page_tables = 0; // PML4
    uint64_t gdt = 0;
    uint64_t boot_info = 0;
    uint64_t guest_info = 0;
    uint64_t network_info = 0; // filled only when the VM has a network
    uint64_t identity = 0;     // filled only with --hostname or --dns
    uint64_t volume_table = 0; // filled only when the VM has volumes
    uint64_t arguments = 0;
    uint64_t first_free = 0;
};

// The memory an image needs beyond what it loads: boot tables, boot info, and room for the
// kernel to start the program.
uint64_t minimum_memory_for(const Image& image, uint64_t program_span, size_t arguments_size);

// The guest's memory: `requested` (--mem) if given, else the image's; throws UserError when it
// is out of range, naming where the size came from (--mem, or the image's manifest).
uint64_t guest_memory_size(const Image& image, std::optional<uint64_t> requested,
                           size_t arguments_size);

BootLayout plan_boot_layout(const Image& image, uint64_t memory_size, size_t arguments_size);
void load_image(const Image& image, GuestMemory& memory);
void build_page_tables(const BootLayout& layout, GuestMemory& memory);
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
