// How fast the TSC runs, from the best source the machine offers.
#pragma once

#include <stdint.h>

namespace kernel::pvh {

struct TscFrequency {
    uint64_t khz;
    const char* source; // for --boot-trace
};

// Starts the PIT counting as early as possible, so that calibrating against it later needs
// little or no waiting.
void start_pit_reference();
TscFrequency measure_tsc_frequency();

} // namespace kernel::pvh
