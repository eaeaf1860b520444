#include "drivers/pci/config_space.h"

#include "arch/x86_64/port_io.h"

namespace kernel::pci {

namespace {

constexpr uint16_t address_port = 0xcf8;
constexpr uint16_t data_port = 0xcfc;

// Selects the dword holding `offset`; the data port then reads or writes within it.
void select(Address address, uint8_t offset) {
    uint32_t value = 1u << 31 | static_cast<uint32_t>(address.bus) << 16 |
                     static_cast<uint32_t>(address.device & 0x1f) << 11 |
                     static_cast<uint32_t>(address.function & 0x7) << 8 | (offset & 0xfc);
    port_io::outl(address_port, value);
}

} // namespace

uint32_t read32(Address address, uint8_t offset) {
    select(address, offset);
    return port_io::inl(data_port);
}

uint16_t read16(Address address, uint8_t offset) {
    select(address, offset);
    return port_io::inw(static_cast<uint16_t>(data_port + (offset & 2)));
}

uint8_t read8(Address address, uint8_t offset) {
    select(address, offset);
    return port_io::inb(static_cast<uint16_t>(data_port + (offset & 3)));
}

void write32(Address address, uint8_t offset, uint32_t value) {
    select(address, offset);
    port_io::outl(data_port, value);
}

void write16(Address address, uint8_t offset, uint16_t value) {
    select(address, offset);
    port_io::outw(static_cast<uint16_t>(data_port + (offset & 2)), value);
}

} // namespace kernel::pci
