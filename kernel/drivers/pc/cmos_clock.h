// The wall-clock time at boot, from the PC's CMOS real-time clock (one-second resolution).
#pragma once

#include <stdint.h>

namespace kernel::pc {

// Nanoseconds since the Unix epoch; 0 when there is no RTC.
uint64_t read_cmos_realtime_ns();

// Days since 1970-01-01 of a proleptic Gregorian date (portable, unit tested).
int64_t days_since_epoch(int64_t year, unsigned month, unsigned day);

} // namespace kernel::pc
