#include "debug/kernel_symbols.h"

namespace kernel::debug {

KernelSymbols::KernelSymbols(const uint8_t* payload, const abi::PayloadHeader& header) {
    uint64_t offset = header.symbols_offset, size = header.symbols_size;
    uint64_t count = header.symbol_count;
    if (offset % alignof(abi::KernelSymbol) != 0 || offset > header.total_size ||
        size > header.total_size - offset || count > size / sizeof(abi::KernelSymbol))
        return;
    const char* names =
        reinterpret_cast<const char*>(payload + offset) + count * sizeof(abi::KernelSymbol);
    size_t names_size = size - count * sizeof(abi::KernelSymbol);
    // A final NUL bounds every name.
    if (count == 0 || names_size == 0 || names[names_size - 1] != 0)
        return;
    m_symbols = reinterpret_cast<const abi::KernelSymbol*>(payload + offset);
    m_count = count;
    m_names = names;
    m_names_size = names_size;
}

SymbolMatch KernelSymbols::lookup(uint64_t address) const {
    // The last symbol starting at or before the address (the table is sorted).
    size_t low = 0, high = m_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (m_symbols[middle].address <= address)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0)
        return {};
    const abi::KernelSymbol& symbol = m_symbols[low - 1];
    uint64_t offset = address - symbol.address;
    // An unsized label ends where the next symbol starts; the last one covers nothing.
    bool covered = symbol.size ? offset < symbol.size : low < m_count;
    if (!covered || symbol.name >= m_names_size)
        return {};
    return {m_names + symbol.name, offset, symbol.size};
}

} // namespace kernel::debug
