#pragma once

#include <stdint.h>

namespace kernel {

void initialize_resource_limits(uint64_t stack_size);

} // namespace kernel
