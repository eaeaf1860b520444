// The program break (brk(2)): the end of the heap, which grows up from the page after the
// program's highest segment.
#pragma once

#include "mm/address_space.h"

#include <stdint.h>

namespace kernel {

class ProgramBreak {
public:
    void set_start(uint64_t start) { m_start = m_end = start; }
    uint64_t end() const { return m_end; }
    // Linux's brk: moves the break to `wanted` when it can (mapping or unmapping the heap's
    // pages in `space`) and returns the break, unchanged when it cannot be moved there.
    uint64_t move(AddressSpace& space, uint64_t wanted);

private:
    uint64_t m_start = 0;
    uint64_t m_end = 0;
};

// Where brk() starts: the page after the program's highest segment.
void set_program_break(uint64_t start);

} // namespace kernel
