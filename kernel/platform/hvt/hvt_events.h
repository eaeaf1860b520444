// hvt's interrupts and exceptions, which the monitor delivers in the CPU's stead
// (abi::GuestInfo): its periodic tick preempts the program and makes pending signals act at
// once; a CPU exception in the program becomes its signal.
#pragma once

#include "arch/x86_64/interrupt_frame.h"
#include "lib/utility.h"

#include <ingot/abi/boot_info.h>

namespace kernel::hvt {

// Tells the monitor where events enter the kernel: from now on it may deliver them.
void enable_events(abi::GuestInfo& info);
// From interrupt_entry.S: returns nonzero to preempt the interrupted program.
int dispatch_event(InterruptFrame& frame);

} // namespace kernel::hvt
