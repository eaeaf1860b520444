// The program's vDSO: maps the image the kernel carries (vdso_image.S) with its [vvar] page,
// and keeps that page in step with the kernel's clock (time/clock.h).
#pragma once

#include "lib/error_or.h"
#include "mm/address_space.h"

#include <stdint.h>

namespace kernel::vdso {

// Returns the vDSO's address, for AT_SYSINFO_EHDR.
ErrorOr<uint64_t> start(AddressSpace& space, FrameAllocator& frames);

} // namespace kernel::vdso
