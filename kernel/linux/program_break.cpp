#include "linux/program_break.h"

#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

uint64_t ProgramBreak::move(AddressSpace& space, uint64_t wanted) {
    // Below the start, or past the user half, it stays where it is. The second check comes
    // before any rounding: rounding 0xfff...f0 up to a page wraps to 0, which would unmap
    // everything from 0 up.
    if (wanted < m_start || wanted > abi::user_space_end)
        return m_end;
    uint64_t current_top = align_up(m_end, abi::page_size);
    uint64_t wanted_top = align_up(wanted, abi::page_size);
    if (wanted_top > current_top) {
        // Linux keeps a page free between the heap and the next mapping.
        if (space.find(wanted_top))
            return m_end;
        auto grown = space.map_anonymous(current_top, wanted_top - current_top,
                                         protection::read | protection::write,
                                         Placement::FixedNoReplace, RegionKind::Heap);
        if (grown.is_error())
            return m_end;
    } else if (wanted_top < current_top) {
        (void)space.unmap(wanted_top, current_top - wanted_top);
    }
    m_end = wanted;
    return m_end;
}

} // namespace kernel
