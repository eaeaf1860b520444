// PCI configuration space through configuration mechanism #1 (ports 0xCF8/0xCFC), which QEMU
// pc and q35 both provide: the first 256 bytes of every function's space. An access is two port
// operations, so callers must not race one another (boot-time probing is single-threaded).
#pragma once

#include <stdint.h>

namespace kernel::pci {

struct Address {
    uint8_t bus;
    uint8_t device;   // 0..31
    uint8_t function; // 0..7
};

// Standard header offsets used here.
inline constexpr uint8_t offset_vendor_id = 0x00;
inline constexpr uint8_t offset_device_id = 0x02;
inline constexpr uint8_t offset_command = 0x04;
inline constexpr uint8_t offset_status = 0x06;
inline constexpr uint8_t offset_class = 0x08; // revision, prog-if, subclass, class
inline constexpr uint8_t offset_header_type = 0x0e;
inline constexpr uint8_t offset_bar0 = 0x10;
inline constexpr uint8_t offset_secondary_bus = 0x19; // PCI-PCI bridges
inline constexpr uint8_t offset_subsystem_id = 0x2e;
inline constexpr uint8_t offset_capabilities = 0x34;

inline constexpr uint16_t command_io_space = 1 << 0;
inline constexpr uint16_t command_memory_space = 1 << 1;
inline constexpr uint16_t command_bus_master = 1 << 2;
inline constexpr uint16_t status_capabilities_list = 1 << 4;

uint32_t read32(Address address, uint8_t offset);
uint16_t read16(Address address, uint8_t offset);
uint8_t read8(Address address, uint8_t offset);
void write32(Address address, uint8_t offset, uint32_t value);
void write16(Address address, uint8_t offset, uint16_t value);

} // namespace kernel::pci
