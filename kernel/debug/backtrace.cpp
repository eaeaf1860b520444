#include "debug/backtrace.h"

#include "debug/cfi_unwinder.h"

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

size_t walk_backtrace(const UnwindRegisters& registers, const EhFrame& program_cfi,
                      const Symbolizer& symbols, const MemoryProbe& memory, uint64_t* pcs,
                      size_t capacity) {
    if (capacity == 0)
        return 0;
    UnwindRegisters frame = registers;
    size_t count = 0;
    pcs[count++] = frame.rip();
    bool after_call = false;
    while (count < capacity) {
        if (symbols.is_kernel_address(frame.rip()) || !program_cfi.present())
            break;
        auto step = unwind_step(program_cfi, memory, frame, after_call);
        if (step.is_error()) {
            if (count == 1)
                break; // no CFI for the faulting pc: the frame pointers may know more
            return count;
        }
        if (step.value().outermost)
            return count;
        pcs[count++] = frame.rip();
        after_call = step.value().after_call;
    }
    if (count == capacity)
        return count;
    // Continue from the frame the CFI reached, whose pc is already counted.
    return count - 1 +
           walk_frame_pointers(frame.rip(), frame.is_known(cfi_rbp) ? frame.rbp() : 0, memory,
                               pcs + count - 1, capacity - count + 1);
}

} // namespace kernel::debug
