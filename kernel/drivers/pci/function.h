// One PCI function found by enumeration, and what a driver does to it before use.
#pragma once

#include "drivers/pci/bar.h"
#include "drivers/pci/config_space.h"

#include <stdint.h>

namespace kernel::pci {

struct Function {
    Address address;
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t class_code;
    uint8_t subclass;
    uint8_t header_type; // without the multi-function bit
};

// The BARs of a type-0 header as firmware assigned them, sized by the all-ones probe with
// decoding switched off meanwhile (so the device never answers at a bogus address). The slot
// holding a 64-bit BAR's upper half reads as Kind::None.
void read_bars(Address address, Bar (&bars)[bar_count]);

// Lets the function answer at its memory BARs and reach RAM for its queues (DMA).
void enable_memory_and_bus_mastering(Address address);

} // namespace kernel::pci
