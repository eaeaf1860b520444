#pragma once

#include <stdint.h>

namespace kernel {

// Where brk() starts: the page after the program's highest segment.
void set_program_break(uint64_t start);

} // namespace kernel
