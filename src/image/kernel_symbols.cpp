#include "image/kernel_symbols.h"

#include "image/elf_file.h"
#include "support/demangle.h"
#include "support/error.h"

#include <ingot/abi/image.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace ingot {

KernelSymbolTable encode_kernel_symbols(std::span<const uint8_t> kernel_elf) {
    std::vector<ElfSymbol> symbols = ElfFile(kernel_elf, "kernel").code_symbols();
    // Of the names an address has, keep a function's over a label's, and the sized one.
    std::sort(symbols.begin(), symbols.end(), [](const ElfSymbol& a, const ElfSymbol& b) {
        if (a.address != b.address)
            return a.address < b.address;
        if (a.is_function != b.is_function)
            return a.is_function;
        return a.size > b.size;
    });
    symbols.erase(
        std::unique(symbols.begin(), symbols.end(),
                    [](const ElfSymbol& a, const ElfSymbol& b) { return a.address == b.address; }),
        symbols.end());

    std::vector<abi::KernelSymbol> entries;
    std::string names;
    for (const auto& symbol : symbols) {
        std::string readable = demangle(symbol.name.c_str());
        if (names.size() + readable.size() + 1 > std::numeric_limits<uint32_t>::max())
            fail("the kernel has too many symbols to carry");
        uint32_t size = static_cast<uint32_t>(
            std::min<uint64_t>(symbol.size, std::numeric_limits<uint32_t>::max()));
        entries.push_back({symbol.address, size, static_cast<uint32_t>(names.size())});
        names += readable;
        names += '\0';
    }
    KernelSymbolTable table;
    table.count = entries.size();
    table.bytes.resize(entries.size() * sizeof(abi::KernelSymbol) + names.size());
    if (!entries.empty())
        std::memcpy(table.bytes.data(), entries.data(), entries.size() * sizeof(abi::KernelSymbol));
    if (!names.empty())
        std::memcpy(table.bytes.data() + entries.size() * sizeof(abi::KernelSymbol), names.data(),
                    names.size());
    return table;
}

void check_kernel_symbols(std::span<const uint8_t> bytes, uint64_t count,
                          const std::string& image_name) {
    auto malformed = [&] {
        fail("'{}' is corrupted: its kernel symbol table is malformed", image_name);
    };
    if (count > bytes.size() / sizeof(abi::KernelSymbol))
        malformed();
    auto names = bytes.subspan(count * sizeof(abi::KernelSymbol));
    if (count > 0 && (names.empty() || names.back() != 0))
        malformed();
    uint64_t previous = 0;
    for (uint64_t i = 0; i < count; ++i) {
        abi::KernelSymbol symbol;
        std::memcpy(&symbol, bytes.data() + i * sizeof symbol, sizeof symbol);
        if (symbol.name >= names.size() || symbol.address < previous ||
            symbol.address + symbol.size < symbol.address)
            malformed();
        previous = symbol.address;
    }
}

} // namespace ingot
