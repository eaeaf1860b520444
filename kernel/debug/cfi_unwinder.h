// One step of a DWARF CFI unwind: from a frame's registers to its caller's, by the rules the
// program's .eh_frame gives for the frame's pc. This is what follows glibc's code, which keeps
// no frame pointers. Every read of the stack goes through the memory probe.
#pragma once

#include "debug/eh_frame.h"
#include "debug/memory_probe.h"
#include "debug/unwind_registers.h"

namespace kernel::debug {

struct UnwindStep {
    bool outermost = false; // the frame has no caller (_start marks its return address lost)
    // Whether the caller's pc is a return address (look it up at pc - 1, inside the call) or
    // the exact pc a signal interrupted.
    bool after_call = true;
};

// `after_call`: what the previous step said of this frame's pc (false for the faulting
// frame). Replaces `registers` with the caller's. ENOENT when no FDE covers the pc; EFAULT
// when a saved register lies where the probe forbids; EINVAL when the CFA does not climb.
ErrorOr<UnwindStep> unwind_step(const EhFrame& cfi, const MemoryProbe& memory,
                                UnwindRegisters& registers, bool after_call);

} // namespace kernel::debug
