// The call chain of a crashed thread, from saved frame pointers (the kernel keeps them; a
// program keeps them when built with -fno-omit-frame-pointer) or from the program's DWARF CFI.
// Reads only what the probe calls readable, and stops at the first frame that does not look
// like one, so a corrupt stack ends the walk instead of faulting.
#pragma once

#include "debug/eh_frame.h"
#include "debug/memory_probe.h"
#include "debug/symbolizer.h"
#include "debug/unwind_registers.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

inline constexpr size_t max_backtrace_depth = 32;

// Writes the faulting `rip`, then the return addresses, into `pcs`; returns how many.
size_t walk_frame_pointers(uint64_t rip, uint64_t rbp, const MemoryProbe& memory, uint64_t* pcs,
                           size_t capacity);

// The same, choosing per frame: the program's own code by its .eh_frame (glibc keeps no frame
// pointers), the kernel's by frame pointers, and frame pointers too when the program has no
// CFI for the faulting pc. The walk ends where the CFI ends (_start) or cannot go on.
size_t walk_backtrace(const UnwindRegisters& registers, const EhFrame& program_cfi,
                      const Symbolizer& symbols, const MemoryProbe& memory, uint64_t* pcs,
                      size_t capacity);

} // namespace kernel::debug
