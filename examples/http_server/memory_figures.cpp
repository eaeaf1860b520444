#include "memory_figures.h"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

MemoryFigures measure_memory() {
    MemoryFigures figures;
    struct mallinfo2 info = mallinfo2();
    figures.heap_in_use_bytes = info.uordblks + info.hblkhd;
    figures.heap_footprint_bytes = info.arena + info.hblkhd;
    struct rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) == 0 && usage.ru_maxrss > 0)
        figures.max_rss_kib = static_cast<std::uint64_t>(usage.ru_maxrss);
    struct sysinfo system {};
    if (sysinfo(&system) == 0 && system.totalram >= system.freeram)
        figures.system_in_use_bytes =
            std::uint64_t(system.totalram - system.freeram) * system.mem_unit;
    return figures;
}
