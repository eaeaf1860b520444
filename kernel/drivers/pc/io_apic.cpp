#include "drivers/pc/io_apic.h"

#include "arch/x86_64/port_io.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel::pc::io_apic {

namespace {

// Where every PC-compatible machine puts it (QEMU pc, q35 and microvm, Firecracker).
constexpr uint64_t io_apic_physical = 0xfec00000;
// QEMU microvm's second one (IO_APIC_SECONDARY_ADDRESS).
constexpr uint64_t second_io_apic_physical = 0xfec10000;
constexpr uint32_t most_entries = 120;
constexpr uint32_t entry_masked = 1u << 16;
constexpr uint32_t entry_level_triggered = 1u << 15;

volatile uint32_t* io_apic;
uint32_t io_apic_entries;

volatile uint32_t* at(uint64_t physical) {
    return reinterpret_cast<volatile uint32_t*>(abi::direct_map_base + physical);
}

void write(volatile uint32_t* apic, uint32_t index, uint32_t value) {
    apic[0] = index;
    apic[4] = value;
}

uint32_t read(volatile uint32_t* apic, uint32_t index) {
    apic[0] = index;
    return apic[4];
}

void write(uint32_t index, uint32_t value) {
    write(io_apic, index, value);
}

// Redirection entries in the version register; 0 when nothing sensible answers there.
uint32_t entry_count(volatile uint32_t* apic) {
    uint32_t entries = ((read(apic, 1) >> 16) & 0xff) + 1;
    return entries > most_entries ? 0 : entries;
}

} // namespace

void initialize() {
    port_io::outb(0x21, 0xff); // mask both 8259s
    port_io::outb(0xa1, 0xff);
    io_apic = at(io_apic_physical);
    io_apic_entries = entry_count(io_apic);
    for (uint32_t i = 0; i < io_apic_entries; ++i) {
        write(0x10 + 2 * i, 1u << 16); // masked
        write(0x11 + 2 * i, 0);
    }
}

void route(uint8_t irq, uint8_t vector) {
    write(0x11 + 2 * irq, 0); // destination: APIC id 0, the only CPU
    write(0x10 + 2 * irq, vector);
}

bool route_gsi(uint32_t gsi, uint8_t vector, Trigger trigger) {
    volatile uint32_t* apic = io_apic;
    uint32_t input = gsi;
    if (gsi >= io_apic_entries) {
        // Only asked for when a device says its interrupt is there, so the window is real.
        apic = at(second_io_apic_physical);
        input = gsi - io_apic_entries;
        if (io_apic_entries == 0 || input >= entry_count(apic))
            return false;
    }
    write(apic, 0x11 + 2 * input, 0);
    write(apic, 0x10 + 2 * input, vector | (trigger == Trigger::Level ? entry_level_triggered : 0));
    return true;
}

} // namespace kernel::pc::io_apic
