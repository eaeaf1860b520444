#include "linux/vdso/vdso_mapping.h"

#include "loader/vdso_loader.h"
#include "sched/processor_number.h"
#include "time/clock.h"

extern "C" {
extern const uint8_t vdso_image_start[];
extern const uint8_t vdso_image_end[];
}

namespace kernel::vdso {

ErrorOr<uint64_t> start(AddressSpace& space, FrameAllocator& frames) {
    auto loaded = TRY(load_vdso(
        vdso_image_start, static_cast<size_t>(vdso_image_end - vdso_image_start), space, frames));
    // The clock never stops being the TSC, and its realtime offset never changes: there is no
    // clock_settime. Should that come, it publishes again.
    publish(*loaded.data, {flag_tsc_usable, program_cpu, program_node, clock::boot_tsc(),
                           clock::tsc_multiplier(), clock::realtime_offset_ns()});
    return loaded.base;
}

} // namespace kernel::vdso
