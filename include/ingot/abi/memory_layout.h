// The one address space, as both the monitor (which builds the boot page tables) and the
// kernel (which adds the program's mappings) see it.
#pragma once

#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t page_size = 4096;
inline constexpr uint64_t large_page_size = 2 * 1024 * 1024;

// Guest-physical placement of the kernel image; the linker script uses the same numbers.
inline constexpr uint64_t kernel_physical_base = 0x100000;

// The kernel runs at the top 2 GiB so it can be built with -mcmodel=kernel; this window maps
// the first GiB of guest-physical memory.
inline constexpr uint64_t kernel_virtual_base = 0xffffffff80000000;

// All guest RAM, mapped with large pages, so the kernel can reach any frame.
inline constexpr uint64_t direct_map_base = 0xffff888000000000;

// The program lives in the lower half.
inline constexpr uint64_t user_space_end = 0x0000800000000000;

inline constexpr uint64_t minimum_memory = 2ull << 20;
inline constexpr uint64_t maximum_memory = 64ull << 30;

// hvt: the image's payload (include/ingot/abi/image.h) lies in its own guest-physical region,
// outside RAM, mapped by the monitor from the image file itself, read-only for the guest, so
// --mem need not hold it and instances of one image share its pages in the host's page cache.
// It starts at the first GiB above RAM's largest end and the hypercall window (hypercall.h),
// so the boot page tables map it with whole page directories. pvh loads it into RAM instead,
// after the kernel. BootInfo::payload says where it is.
inline constexpr uint64_t payload_region_physical = maximum_memory + (1ull << 30);
inline constexpr uint64_t maximum_payload_size = 63ull << 30;
// The main stack's pages get memory on first touch, so it may be larger than the guest's RAM;
// below the minimum a program cannot even start (the kernel puts argv, the environment and
// the auxiliary vector there).
inline constexpr uint64_t minimum_stack_size = 64ull << 10;
inline constexpr uint64_t maximum_stack_size = 1ull << 30;

} // namespace ingot::abi
