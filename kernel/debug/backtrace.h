// The call chain of a crashed thread, from saved frame pointers (the kernel keeps them; a
// program keeps them when built with -fno-omit-frame-pointer, as glibc's start-up code does
// around main). Reads only what the probe calls readable, and stops at the first frame that
// does not look like one, so a corrupt stack ends the walk instead of faulting.
#pragma once

#include "debug/memory_probe.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

inline constexpr size_t max_backtrace_depth = 32;

// Writes the faulting `rip`, then the return addresses, into `pcs`; returns how many.
size_t walk_frame_pointers(uint64_t rip, uint64_t rbp, const MemoryProbe& memory, uint64_t* pcs,
                           size_t capacity);

} // namespace kernel::debug
