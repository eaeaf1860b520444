// Column helpers for /proc's tables, whose formats (printf's %-Ns, "%8lu kB") the kernel's
// format() does not speak.
#pragma once

#include "fs/synthetic/text_buffer.h"

#include <stdint.h>

namespace kernel::synthetic {

// `text` then spaces up to `width` (printf's %-*s).
void append_left(TextBuffer& buffer, const char* text, size_t width);
// A decimal right-aligned in `width` (printf's %*llu).
void append_right(TextBuffer& buffer, uint64_t value, size_t width);
// "1.23": hundredths as /proc/uptime and /proc/loadavg print them.
void append_hundredths(TextBuffer& buffer, uint64_t hundredths);
// The last path component (what Linux names a task after exec: its comm), at most 15 bytes
// (TASK_COMM_LEN less the NUL).
void append_comm(TextBuffer& buffer, const char* path);

} // namespace kernel::synthetic
