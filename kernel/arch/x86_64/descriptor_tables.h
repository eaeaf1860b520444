// The pvh platform's GDT (with a TSS), IDT and interrupt stacks. hvt needs none: its monitor
// loads a GDT and delivers no interrupts.
#pragma once

#include <stdint.h>

namespace kernel::cpu {

inline constexpr uint16_t kernel_code_selector = 0x10;
inline constexpr uint16_t kernel_data_selector = 0x18;
inline constexpr uint16_t user_code32_selector = 0x23;

void load_descriptor_tables();

} // namespace kernel::cpu
