// Whether memory can be read without faulting. A crash report reads a stack that may be
// corrupt, from an exception handler that must not fault again: every read asks first. The
// kernel answers from its page tables; tests from a buffer's bounds.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

struct MemoryProbe {
    bool (*is_readable)(const void* context, uint64_t address, size_t length);
    const void* context;

    bool readable(uint64_t address, size_t length) const {
        return address + length >= address && is_readable(context, address, length);
    }
};

} // namespace kernel::debug
