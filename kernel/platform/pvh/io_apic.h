// The I/O APIC routes legacy device interrupts (the serial port's IRQ 4) to the CPU. The
// 8259 PICs are masked for good.
#pragma once

#include <stdint.h>

namespace kernel::pvh::io_apic {

void initialize();
// Edge-triggered, active high, to this CPU: the ISA default, right for the 16550.
void route(uint8_t irq, uint8_t vector);

} // namespace kernel::pvh::io_apic
