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
// Spaces from the end of the line begun at `line_start` up to `width` columns, then the newline
// (seq_pad, as /proc/net's fixed-width tables end their lines).
void end_padded_line(TextBuffer& buffer, size_t line_start, size_t width);
// The number /proc/net's tables print with %08X for 4 bytes of an address in network byte
// order: the bytes in memory order, read as a little-endian word (127.0.0.1 is 0100007F).
uint32_t address_word(const uint8_t* bytes);
// The last path component (what Linux names a task after exec: its comm), at most 15 bytes
// (TASK_COMM_LEN less the NUL).
void append_comm(TextBuffer& buffer, const char* path);

} // namespace kernel::synthetic
