// x86-64 Linux syscall numbers by name, from the one list.
#pragma once

#include "linux/syscall_list.h"

#include <stdint.h>

namespace kernel::nr {

#define DEFINE_SYSCALL_NUMBER(number, name, ...) inline constexpr uint64_t name = number;
ENUMERATE_SYSCALLS(DEFINE_SYSCALL_NUMBER, DEFINE_SYSCALL_NUMBER)
#undef DEFINE_SYSCALL_NUMBER

} // namespace kernel::nr
