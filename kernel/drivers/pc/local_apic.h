// The CPU's local APIC: its timer drives preemption and idle wake-ups. x2APIC (MSRs) where
// the CPU has it, xAPIC (MMIO at the APIC base) otherwise; TSC-deadline mode where available,
// else one-shot mode with the APIC timer calibrated against the TSC.
#pragma once

#include <stdint.h>

namespace kernel::pc::local_apic {

inline constexpr uint8_t timer_vector = 0x20;
inline constexpr uint8_t spurious_vector = 0xff;

// `tsc_khz` must be known: the one-shot timer is calibrated against it.
void initialize(uint64_t tsc_khz);
// Interrupts at `deadline_tsc` (or at once if it passed); replaces any earlier deadline.
void arm_timer(uint64_t deadline_tsc);
void end_of_interrupt();
const char* mode();

} // namespace kernel::pc::local_apic
