#pragma once

#include <stdint.h>

namespace kernel {

inline constexpr uint64_t syscall_count = 512;
const char* syscall_name(uint64_t number);

} // namespace kernel
