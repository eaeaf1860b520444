// The payload `ingot build` appends to the kernel: loaded at the first page after the
// kernel's end, whatever loaded it (the hvt monitor, a PVH loader).
#pragma once

#include "lib/utility.h"

#include <ingot/abi/image.h>

#include <stdint.h>

namespace kernel {

// Null when no payload of this kernel's version is there; `physical` is where it would be.
const abi::PayloadHeader* find_payload(uint64_t& physical);

} // namespace kernel
