#include "debug/program_symbols.h"

namespace kernel::debug {

namespace {

// Whether `count` objects of `T` at `offset` lie inside the file and are aligned for T.
template <typename T> bool fits(uint64_t offset, uint64_t count, size_t file_size) {
    return offset % alignof(T) == 0 && offset <= file_size &&
           count <= (file_size - offset) / sizeof(T);
}

} // namespace

ProgramSymbols::ProgramSymbols(const uint8_t* file, size_t size, uint64_t load_bias)
    : m_load_bias(load_bias) {
    if (!fits<elf::Header>(0, 1, size) || reinterpret_cast<uint64_t>(file) % 8 != 0)
        return;
    const auto& header = *reinterpret_cast<const elf::Header*>(file);
    if (header.section_header_size != sizeof(elf::SectionHeader) ||
        !fits<elf::SectionHeader>(header.section_header_offset, header.section_header_count, size))
        return;
    const auto* sections =
        reinterpret_cast<const elf::SectionHeader*>(file + header.section_header_offset);
    for (size_t i = 0; i < header.section_header_count; ++i) {
        const elf::SectionHeader& table = sections[i];
        if (table.type != elf::section_symbol_table)
            continue;
        if (table.entry_size != sizeof(elf::Symbol) || table.link >= header.section_header_count)
            return;
        const elf::SectionHeader& strings = sections[table.link];
        uint64_t count = table.size / sizeof(elf::Symbol);
        if (!fits<elf::Symbol>(table.offset, count, size) ||
            !fits<char>(strings.offset, strings.size, size) || strings.size == 0 ||
            file[strings.offset + strings.size - 1] != 0) // a final NUL bounds every name
            return;
        m_symbols = reinterpret_cast<const elf::Symbol*>(file + table.offset);
        m_count = count;
        m_names = reinterpret_cast<const char*>(file + strings.offset);
        m_names_size = strings.size;
        return;
    }
}

SymbolMatch ProgramSymbols::lookup(uint64_t address) const {
    uint64_t file_address = address - m_load_bias;
    const elf::Symbol* best = nullptr;
    for (size_t i = 0; i < m_count; ++i) {
        const elf::Symbol& symbol = m_symbols[i];
        if ((symbol.info & 0xf) != elf::symbol_function || symbol.section == 0 ||
            symbol.name >= m_names_size || file_address < symbol.value ||
            file_address - symbol.value >= symbol.size)
            continue;
        // Of nested or aliased functions, the innermost.
        if (!best || symbol.value > best->value)
            best = &symbol;
    }
    if (!best)
        return {};
    return {m_names + best->name, file_address - best->value, best->size};
}

} // namespace kernel::debug
