// Base address registers: where firmware placed a function's registers. Decoding is plain
// logic over the raw register values and what the BAR reads back after all-ones is written
// (its size mask), kept apart from the port I/O so it is unit tested.
#pragma once

#include <stdint.h>

namespace kernel::pci {

struct Bar {
    enum class Kind : uint8_t { None, Io, Memory32, Memory64 };
    Kind kind = Kind::None;
    bool prefetchable = false;
    uint64_t base = 0;
    uint64_t size = 0;

    bool is_memory() const { return kind == Kind::Memory32 || kind == Kind::Memory64; }
    // Firmware leaves a BAR it could not (or chose not to) place at 0.
    bool is_assigned() const { return kind != Kind::None && base != 0; }
};

inline constexpr int bar_count = 6;

// The type bits of a BAR's low dword: whether it takes the next BAR slot as its upper half.
bool is_64_bit_memory_bar(uint32_t raw);

// `raw_high` and `mask_high` are the next BAR slot's values for a 64-bit BAR, else ignored.
// A BAR whose mask reads back as zero is unimplemented: Kind::None.
Bar decode_bar(uint32_t raw, uint32_t raw_high, uint32_t mask, uint32_t mask_high);

} // namespace kernel::pci
