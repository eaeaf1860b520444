// Marks the kernel that links this file's object as having a component: one word in the
// .ingot_components section, which the linker script keeps and the host reads.
#pragma once

#include <ingot/abi/components.h>

#include <stdint.h>

#define INGOT_COMPONENT(bit)                                                                       \
    [[gnu::used, gnu::section(".ingot_components")]] static const uint32_t ingot_component = bit
