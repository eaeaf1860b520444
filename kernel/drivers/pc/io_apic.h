// The I/O APIC routes legacy device interrupts (the serial port's IRQ 4) to the CPU. The
// 8259 PICs are masked for good.
#pragma once

#include <stdint.h>

namespace kernel::pc::io_apic {

void initialize();
// Edge-triggered, active high, to this CPU: the ISA default, right for the 16550.
void route(uint8_t irq, uint8_t vector);

enum class Trigger { Edge, Level };
// Routes global system interrupt `gsi` (active high) to `vector` on this CPU: the first I/O
// APIC's inputs come first, then those of a second one where QEMU microvm puts it (its
// virtio-mmio slots start at GSI 24). False when no I/O APIC has that input.
bool route_gsi(uint32_t gsi, uint8_t vector, Trigger trigger);

} // namespace kernel::pc::io_apic
