// The payload `ingot build` appends to the kernel (include/ingot/abi/image.h), where the
// platform put it: BootInfo::payload (hvt: its own read-only region outside RAM; pvh: the
// first page after the kernel's end, where a PVH loader places the payload's PT_LOAD).
#pragma once

#include "lib/utility.h"

#include <ingot/abi/image.h>

#include <stdint.h>

namespace kernel {

// Where a PVH loader puts the payload: the first page after the kernel's end.
uint64_t payload_after_kernel();

// Records where the platform put the payload; before this, find_payload finds nothing.
void set_payload_location(uint64_t physical);

// Null when no payload of this kernel's version is there; `physical` is where it would be.
const abi::PayloadHeader* find_payload(uint64_t& physical);

} // namespace kernel
