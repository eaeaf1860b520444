// The seam between page-table edits and the CPU's translation cache. x86 may keep using a
// translation after its entry changed until it is invalidated (SDM vol. 3A, 4.10.4): an entry
// that was present and changed is "stale" until then. A new entry for an address that had none
// needs nothing (4.10.4.3: non-present entries are not cached).
#pragma once

#include <stdint.h>

namespace kernel {

class TlbInvalidator {
public:
    // A present entry for this page changed or went away.
    virtual void stale(uint64_t virtual_address) = 0;
    // Every stale translation is gone when this returns. Called once per address-space
    // operation that left any, before the program (or the kernel for it) uses the range again.
    virtual void commit() = 0;

protected:
    ~TlbInvalidator() = default;
};

} // namespace kernel
