// The kernel's functions as `ingot build` put them in the payload (abi::KernelSymbol): the
// guest cannot see the kernel's ELF symbol table. The table may come from an image nobody
// checked (a PVH loader boots it as is), so every offset is checked before it is used.
#pragma once

#include "debug/symbol.h"
#include "lib/utility.h"

#include <ingot/abi/image.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

class KernelSymbols {
public:
    KernelSymbols() = default;
    // `payload` is the whole payload, `header.total_size` bytes. A malformed table gives an
    // empty one: the report then shows addresses only.
    KernelSymbols(const uint8_t* payload, const abi::PayloadHeader& header);

    SymbolMatch lookup(uint64_t address) const;
    size_t count() const { return m_count; }

private:
    const abi::KernelSymbol* m_symbols = nullptr;
    size_t m_count = 0;
    const char* m_names = nullptr;
    size_t m_names_size = 0;
};

} // namespace kernel::debug
