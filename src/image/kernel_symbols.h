// The kernel's function symbols as the payload carries them (abi::KernelSymbol): made by
// `ingot build` from the kernel's ELF symbol table, checked by read_image.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct KernelSymbolTable {
    std::vector<uint8_t> bytes; // the entries, then the names
    uint64_t count = 0;
};

KernelSymbolTable encode_kernel_symbols(std::span<const uint8_t> kernel_elf);

// Throws UserError naming the image when the table is malformed.
void check_kernel_symbols(std::span<const uint8_t> bytes, uint64_t count,
                          const std::string& image_name);

} // namespace ingot
