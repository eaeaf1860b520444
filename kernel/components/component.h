// Marks the kernel that links this file's object as having a component: one word in the
// section INGOT_COMPONENTS_SECTION names, which the linker script keeps and the host reads.
#pragma once

#include <ingot/abi/components.h>

#include <stdint.h>

#define INGOT_COMPONENT(bit)                                                                       \
    [[gnu::used, gnu::section(INGOT_COMPONENTS_SECTION)]] static const uint32_t ingot_component =  \
        bit
