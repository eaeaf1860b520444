// Futexes: threads sleeping on a word of the program's memory.
#pragma once

#include "lib/error_or.h"

#include <stdint.h>

namespace kernel::futex {

inline constexpr uint32_t match_any = 0xffffffff;

// Sleeps while *address == expected, until woken or deadline (monotonic ns, 0: none).
ErrorOr<void> wait(uint64_t address, uint32_t expected, uint64_t deadline_ns, uint32_t bitset);
size_t wake(uint64_t address, size_t count, uint32_t bitset);
// Wakes up to `wake_count` waiters of `from` and moves up to `move_count` others to `to`.
size_t requeue(uint64_t from, uint64_t to, size_t wake_count, size_t move_count);

} // namespace kernel::futex
