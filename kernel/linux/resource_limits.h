#pragma once

#include <stdint.h>

namespace kernel {

void initialize_resource_limits(uint64_t stack_size);
// RLIMIT_* `resource`'s soft and hard limits now (~0: unlimited), for /proc/self/limits;
// false for a resource Linux does not have.
bool resource_limit(int resource, uint64_t& soft, uint64_t& hard);

} // namespace kernel
