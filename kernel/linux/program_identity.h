#pragma once

#include <stdint.h>

namespace kernel {

// What /proc/self/exe names: the program's path inside the image.
void set_program_path(const char* argv0);
const char* program_path();

} // namespace kernel
