#include "drivers/pci/function.h"

namespace kernel::pci {

namespace {

struct RawBar {
    uint32_t value;
    uint32_t mask;
};

RawBar probe_bar(Address address, int index) {
    auto offset = static_cast<uint8_t>(offset_bar0 + 4 * index);
    uint32_t value = read32(address, offset);
    write32(address, offset, 0xffffffff);
    uint32_t mask = read32(address, offset);
    write32(address, offset, value);
    return {value, mask};
}

} // namespace

void read_bars(Address address, Bar (&bars)[bar_count]) {
    uint16_t command = read16(address, offset_command);
    write16(address, offset_command,
            static_cast<uint16_t>(command & ~(command_io_space | command_memory_space)));
    for (int i = 0; i < bar_count; ++i) {
        RawBar low = probe_bar(address, i);
        RawBar high{0, 0};
        bool wide = is_64_bit_memory_bar(low.value) && i + 1 < bar_count;
        if (wide)
            high = probe_bar(address, i + 1);
        bars[i] = decode_bar(low.value, high.value, low.mask, high.mask);
        if (wide)
            bars[++i] = Bar{};
    }
    write16(address, offset_command, command);
}

void enable_memory_and_bus_mastering(Address address) {
    uint16_t command = read16(address, offset_command);
    write16(address, offset_command,
            static_cast<uint16_t>(command | command_memory_space | command_bus_master));
}

} // namespace kernel::pci
