// What a symbol table answers for an address: the function around it.
#pragma once

#include <stdint.h>

namespace kernel::debug {

struct SymbolMatch {
    const char* name = nullptr; // NUL-terminated; nullptr when no function covers the address
    uint64_t offset = 0;        // from the function's start

    explicit operator bool() const { return name != nullptr; }
};

} // namespace kernel::debug
