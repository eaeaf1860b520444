#pragma once

#include <stdint.h>

namespace kernel {

// Above every x86-64 syscall number.
inline constexpr uint64_t syscall_count = 512;
// The UAPI name of `number`, or "unknown".
const char* syscall_name(uint64_t number);

} // namespace kernel
