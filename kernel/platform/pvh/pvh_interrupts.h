// The pvh platform's interrupt and exception handling, and what it shares with pvh_platform.
#pragma once

#include "arch/x86_64/interrupt_frame.h"
#include "platform/pvh/pvh_state.h"

#include <ingot/abi/hypercall.h>

#include <stdint.h>

namespace kernel::pvh {

inline constexpr uint8_t serial_vector = 0x24;
inline constexpr uint8_t net_vector = 0x25;

// From interrupt_entry.S: returns nonzero to preempt the interrupted program.
int dispatch_interrupt(InterruptFrame& frame);

// From pvh_platform.cpp.
void receive_console_input();
bool console_input_ready();
// The net device interrupted: lowers its line. Frames wait for the stack's poll.
void acknowledge_net_interrupt();
void arm_time_slice();
const BootDetails& details();

// Print the report of a program killed by a signal the kernel raised (abort, a fatal kill),
// or by a CPU exception.
void report_program_crash(const abi::CrashArgs& crash);
struct ExceptionReport {
    const InterruptFrame& frame;
    uint64_t fault_address; // CR2, for page faults
    bool in_kernel;
};
// Returns the signal the program dies of.
int report_exception(const ExceptionReport& exception);
// Where the program was loaded: its symbols move with it.
void remember_program_load_bias(uint64_t load_bias);

} // namespace kernel::pvh
