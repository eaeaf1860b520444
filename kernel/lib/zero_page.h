// A page of zeros, read-only: what reads of a hole, of /dev/zero and of a file's unwritten tail
// copy from, and what zero-filling writes take. One for the whole kernel.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

inline constexpr size_t zero_page_size = 4096;
extern const uint8_t zero_page[zero_page_size];

} // namespace kernel
