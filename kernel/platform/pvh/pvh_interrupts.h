// The pvh platform's interrupt and exception handling, and what it shares with pvh_platform.
#pragma once

#include "platform/pvh/pvh_state.h"

#include <ingot/abi/hypercall.h>

#include <stdint.h>

namespace kernel::pvh {

inline constexpr uint8_t serial_vector = 0x24;

// From pvh_platform.cpp.
void receive_console_input();
bool console_input_ready();
void arm_time_slice();
const BootDetails& details();

// Print the report of a program killed by a signal the kernel raised (abort, a fatal kill),
// or by a CPU exception.
void report_program_crash(const abi::CrashArgs& crash);
void report_exception(uint64_t vector, uint64_t error_code, uint64_t fault_address,
                      const abi::CrashArgs& crash);

} // namespace kernel::pvh
