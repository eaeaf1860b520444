// The process's memory, as the process itself can see it on Linux and in an Ingot guest alike:
// malloc's own accounting (mallinfo2) needs no /proc and no kernel support.
#pragma once

#include <cstdint>

struct MemoryFigures {
    std::uint64_t heap_in_use_bytes = 0;    // allocated and not yet freed
    std::uint64_t heap_footprint_bytes = 0; // what malloc holds from the system (brk + mmap)
    std::uint64_t max_rss_kib = 0;          // getrusage's peak, 0 where it is not reported
    // The whole machine's memory in use as sysinfo(2) reports it (total less free RAM): in a
    // guest, the kernel's (its connections included) and the program's; natively the host's.
    std::uint64_t system_in_use_bytes = 0;
};

MemoryFigures measure_memory();
