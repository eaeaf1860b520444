#include "drivers/pci/bar.h"

namespace kernel::pci {

namespace {

constexpr uint32_t io_space_bit = 1;
constexpr uint32_t memory_type_mask = 0x6;
constexpr uint32_t memory_type_64_bit = 0x4;
constexpr uint32_t prefetchable_bit = 0x8;
constexpr uint32_t io_address_mask = ~0x3u;
constexpr uint32_t memory_address_mask = ~0xfu;

} // namespace

bool is_64_bit_memory_bar(uint32_t raw) {
    return !(raw & io_space_bit) && (raw & memory_type_mask) == memory_type_64_bit;
}

Bar decode_bar(uint32_t raw, uint32_t raw_high, uint32_t mask, uint32_t mask_high) {
    Bar bar;
    if (raw & io_space_bit) {
        uint32_t size_mask = mask & io_address_mask;
        if (size_mask == 0)
            return bar;
        // Devices may implement only the low 16 address bits of an I/O BAR.
        if ((size_mask >> 16) == 0)
            size_mask |= 0xffff0000;
        bar.kind = Bar::Kind::Io;
        bar.base = raw & io_address_mask;
        bar.size = static_cast<uint32_t>(~size_mask + 1);
        return bar;
    }
    bar.prefetchable = raw & prefetchable_bit;
    if (is_64_bit_memory_bar(raw)) {
        uint64_t size_mask = static_cast<uint64_t>(mask_high) << 32 | (mask & memory_address_mask);
        if (size_mask == 0)
            return Bar{};
        bar.kind = Bar::Kind::Memory64;
        bar.base = static_cast<uint64_t>(raw_high) << 32 | (raw & memory_address_mask);
        bar.size = ~size_mask + 1;
        return bar;
    }
    uint32_t size_mask = mask & memory_address_mask;
    if (size_mask == 0)
        return Bar{};
    bar.kind = Bar::Kind::Memory32;
    bar.base = raw & memory_address_mask;
    bar.size = static_cast<uint32_t>(~size_mask + 1);
    return bar;
}

} // namespace kernel::pci
