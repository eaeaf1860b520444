#include "platform/pvh/io_apic.h"

#include "arch/x86_64/port_io.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::pvh::io_apic {

namespace {

// Where every PC-compatible machine puts it (QEMU pc, q35 and microvm, Firecracker).
constexpr uint64_t io_apic_physical = 0xfec00000;
volatile uint32_t* io_apic;

void write(uint32_t index, uint32_t value) {
    io_apic[0] = index;
    io_apic[4] = value;
}

uint32_t read(uint32_t index) {
    io_apic[0] = index;
    return io_apic[4];
}

} // namespace

void initialize() {
    port_io::outb(0x21, 0xff); // mask both 8259s
    port_io::outb(0xa1, 0xff);
    io_apic = reinterpret_cast<volatile uint32_t*>(abi::direct_map_base + io_apic_physical);
    uint32_t entries = ((read(1) >> 16) & 0xff) + 1;
    if (entries > 120)
        entries = 0; // nothing there
    for (uint32_t i = 0; i < entries; ++i) {
        write(0x10 + 2 * i, 1u << 16); // masked
        write(0x11 + 2 * i, 0);
    }
}

void route(uint8_t irq, uint8_t vector) {
    write(0x11 + 2 * irq, 0); // destination: APIC id 0, the only CPU
    write(0x10 + 2 * irq, vector);
}

} // namespace kernel::pvh::io_apic
