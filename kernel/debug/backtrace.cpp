#include "debug/backtrace.h"

namespace kernel::debug {

size_t walk_frame_pointers(uint64_t rip, uint64_t rbp, const MemoryProbe& memory, uint64_t* pcs,
                           size_t capacity) {
    if (capacity == 0)
        return 0;
    size_t count = 0;
    pcs[count++] = rip;
    uint64_t frame = rbp;
    // A frame is [saved rbp][return address]; callers' frames lie at higher addresses, so a
    // chain that does not climb is a loop or garbage.
    while (count < capacity && frame != 0 && frame % 8 == 0 && memory.readable(frame, 16)) {
        const auto* slots = reinterpret_cast<const uint64_t*>(frame);
        uint64_t saved_frame = slots[0];
        uint64_t return_address = slots[1];
        if (return_address == 0)
            break;
        pcs[count++] = return_address;
        if (saved_frame <= frame)
            break;
        frame = saved_frame;
    }
    return count;
}

} // namespace kernel::debug
