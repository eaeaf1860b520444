// Guest RAM as the hvt monitor lays it out before the first instruction: how much an image
// needs, where the boot tables and boot information go, the kernel's segments copied in, and
// the boot page tables (the direct map of RAM and of the payload's own region, the kernel
// window, the hypercall window). Pure arithmetic on GuestMemory: no KVM.
#pragma once

#include "image/image.h"
#include "vmm/guest_memory.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace ingot {

// The boot GDT, which build_page_tables writes at BootLayout::gdt. Linux's layout: PVM requires
// the guest's user selectors to be the host's (32-bit code 0x23, data 0x2b, 64-bit code 0x33),
// and SYSCALL/SYSRET derive them from MSR_STAR in that order.
inline constexpr uint64_t boot_gdt[] = {0,
                                        0x00cf9a000000ffff,  // 0x08 kernel 32-bit code (unused)
                                        0x00af9a000000ffff,  // 0x10 kernel code
                                        0x00cf92000000ffff,  // 0x18 kernel data
                                        0x00cffa000000ffff,  // 0x23 user 32-bit code (unused)
                                        0x00cff2000000ffff,  // 0x2b user data
                                        0x00affa000000ffff}; // 0x33 user code

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

// Where the image's payload lies: in RAM after the kernel (pvh: a PVH loader puts it there),
// or in its own read-only region outside RAM (hvt: abi::payload_region_physical).
enum class PayloadPlacement { InRam, OwnRegion };

// The memory an image needs: what is loaded into RAM (the kernel; the payload when it lies
// there), boot tables, boot info, and room for the kernel to start the program.
uint64_t minimum_memory_for(const Image& image, uint64_t program_span, size_t arguments_size,
                            PayloadPlacement placement);

// The guest's memory: `requested` (--mem) if given, else the image's; throws UserError when it
// is out of range, naming where the size came from (--mem, or the image's manifest).
uint64_t guest_memory_size(const Image& image, std::optional<uint64_t> requested,
                           size_t arguments_size, PayloadPlacement placement);

// hvt: the payload in its own region (abi::payload_region_physical), RAM right after the kernel.
BootLayout plan_boot_layout(const Image& image, uint64_t memory_size, size_t arguments_size);
// Copies the kernel's segments into RAM; the payload is not copied (PayloadRegion maps it).
void load_image(const Image& image, GuestMemory& memory);
// The direct map reaches RAM and, read-only, the payload's `payload_size` bytes.
void build_page_tables(const BootLayout& layout, GuestMemory& memory, uint64_t payload_size);

} // namespace ingot
