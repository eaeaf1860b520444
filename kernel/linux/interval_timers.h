// The process's interval timers (setitimer(2), alarm(2)), as the scheduler and signal delivery
// see them: they look for expiries where host signals are collected, and an idle CPU wakes for
// the real-time one.
#pragma once

#include <stdint.h>

namespace kernel::interval_timers {

// Raises the signal of every timer that expired by now, and re-arms those with an interval.
void expire();
// The real-time timer's deadline (monotonic), 0 when it is not armed: the CPU-time timers'
// deadlines do not come while the CPU idles.
uint64_t next_deadline_ns();

} // namespace kernel::interval_timers
