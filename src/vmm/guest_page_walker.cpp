#include "vmm/guest_page_walker.h"

#include <cstring>

namespace ingot {

namespace {
constexpr uint64_t present = 1;
constexpr uint64_t large = 0x80;
constexpr uint64_t address_mask = 0x000ffffffffff000ull;
} // namespace

std::optional<uint64_t> GuestPageWalker::translate(uint64_t virtual_address) const {
    uint64_t table = m_cr3 & address_mask;
    for (int level = 3; level >= 0; --level) {
        uint64_t index = (virtual_address >> (12 + 9 * level)) & 511;
        auto entry = m_memory.read<uint64_t>(table + index * 8);
        if (!entry || !(*entry & present))
            return std::nullopt;
        if (level == 0 || (level <= 2 && (*entry & large))) {
            uint64_t page_mask = (1ull << (12 + 9 * level)) - 1;
            return (*entry & address_mask & ~page_mask) | (virtual_address & page_mask);
        }
        table = *entry & address_mask;
    }
    return std::nullopt;
}

bool GuestPageWalker::read(uint64_t virtual_address, void* destination, size_t length) const {
    auto* out = static_cast<uint8_t*>(destination);
    while (length) {
        size_t chunk = std::min<size_t>(length, 4096 - (virtual_address & 4095));
        auto physical = translate(virtual_address);
        if (!physical)
            return false;
        auto bytes = m_memory.readable(*physical, chunk);
        if (!bytes)
            return false;
        std::memcpy(out, bytes->data(), chunk);
        out += chunk;
        virtual_address += chunk;
        length -= chunk;
    }
    return true;
}

std::optional<uint64_t> GuestPageWalker::read_u64(uint64_t virtual_address) const {
    uint64_t value;
    if (!read(virtual_address, &value, sizeof value))
        return std::nullopt;
    return value;
}

} // namespace ingot
