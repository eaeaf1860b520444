// Hand-made inputs for the crash-report tests: a payload holding a kernel symbol table, and
// a memory probe over host buffers.
#pragma once

#include "kernel/kernel_test_support.h"

#include "debug/kernel_symbols.h"
#include "debug/memory_probe.h"

namespace kernel_test {

struct TestSymbol {
    uint64_t address;
    uint32_t size;
    std::string name;
};

// A payload (page aligned, as the guest sees it) whose header describes `symbols` in order.
class SymbolPayload {
public:
    explicit SymbolPayload(const std::vector<TestSymbol>& symbols) : m_ram(64 * 1024) {
        ingot::abi::PayloadHeader& header = this->header();
        header.magic = ingot::abi::payload_magic;
        header.version = ingot::abi::payload_version;
        header.symbols_offset = sizeof header;
        header.symbol_count = symbols.size();
        std::string names;
        uint8_t* table = m_ram.base() + header.symbols_offset;
        for (size_t i = 0; i < symbols.size(); ++i) {
            ingot::abi::KernelSymbol entry{symbols[i].address, symbols[i].size,
                                           static_cast<uint32_t>(names.size())};
            std::memcpy(table + i * sizeof entry, &entry, sizeof entry);
            names += symbols[i].name;
            names += '\0';
        }
        std::memcpy(table + symbols.size() * sizeof(ingot::abi::KernelSymbol), names.data(),
                    names.size());
        header.symbols_size = symbols.size() * sizeof(ingot::abi::KernelSymbol) + names.size();
        header.total_size = m_ram.size();
    }
    ingot::abi::PayloadHeader& header() {
        return *reinterpret_cast<ingot::abi::PayloadHeader*>(m_ram.base());
    }
    const uint8_t* bytes() const { return m_ram.base(); }
    uint8_t* table() { return m_ram.base() + header().symbols_offset; }
    kernel::debug::KernelSymbols symbols() { return {bytes(), header()}; }

private:
    GuestRam m_ram;
};

// Host memory ranges a test declares readable; everything else is not.
class ReadableRanges {
public:
    void add(const void* start, size_t length) {
        m_ranges.push_back({reinterpret_cast<uint64_t>(start), length});
    }
    kernel::debug::MemoryProbe probe() const { return {&ReadableRanges::check, this}; }
    mutable size_t questions = 0;

private:
    static bool check(const void* context, uint64_t address, size_t length) {
        const auto& self = *static_cast<const ReadableRanges*>(context);
        ++self.questions;
        for (auto [start, size] : self.m_ranges)
            if (address >= start && length <= size && address - start <= size - length)
                return true;
        return false;
    }
    std::vector<std::pair<uint64_t, size_t>> m_ranges;
};

} // namespace kernel_test
