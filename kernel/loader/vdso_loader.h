// Maps the vDSO into the program, as Linux's map_vdso does: the [vvar] page, which the kernel
// writes (linux/vdso/vdso_data.h) and the program may only read, and just above it the [vdso]
// image, whose address the program gets as AT_SYSINFO_EHDR. Both go at the top of the mmap area.
#pragma once

#include "lib/error_or.h"
#include "linux/vdso/vdso_data.h"
#include "mm/address_space.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct LoadedVdso {
    uint64_t base;    // the image's first byte in the program (AT_SYSINFO_EHDR)
    vdso::Data* data; // the [vvar] page, through the kernel's view of its frame
};

// `image` is the vDSO's ELF file, mapped from its first byte, read and execute; its pages are
// copies (the program may unmap them). The [vvar] page stays the kernel's: an munmap of it
// does not free its frame.
ErrorOr<LoadedVdso> load_vdso(const uint8_t* image, size_t size, AddressSpace& space,
                              FrameAllocator& frames);

} // namespace kernel
