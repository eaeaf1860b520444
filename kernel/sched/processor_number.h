// Which processor and NUMA node the program runs on (getcpu(2)): the guest has one of each.
#pragma once

#include <stdint.h>

namespace kernel {

inline constexpr uint32_t program_cpu = 0;
inline constexpr uint32_t program_node = 0;

} // namespace kernel
