// Reads guest virtual memory the way the vCPU would, by walking its page tables. Used only to
// explain a crash; every table entry is guest data, so every step is bounds-checked.
#pragma once

#include "vmm/guest_memory.h"

#include <cstdint>
#include <optional>

namespace ingot {

class GuestPageWalker {
public:
    GuestPageWalker(GuestMemory& memory, uint64_t cr3) : m_memory(memory), m_cr3(cr3) {}

    std::optional<uint64_t> translate(uint64_t virtual_address) const;
    std::optional<uint64_t> read_u64(uint64_t virtual_address) const;
    bool read(uint64_t virtual_address, void* destination, size_t length) const;

private:
    GuestMemory& m_memory;
    uint64_t m_cr3;
};

} // namespace ingot
