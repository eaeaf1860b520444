// What a symbol table answers for an address: the function around it.
#pragma once

#include <stdint.h>

namespace kernel::debug {

struct SymbolMatch {
    const char* name = nullptr; // NUL-terminated; nullptr when no function covers the address
    uint64_t offset = 0;        // from the function's start
    uint64_t size = 0;          // the function's, as its symbol gives it

    explicit operator bool() const { return name != nullptr; }
};

} // namespace kernel::debug
