// Hand-made .eh_frame sections for the CFI tests: CIEs and FDEs laid out as GCC emits them for
// x86-64, with instructions the test chooses.
#pragma once

#include "kernel/kernel_test_support.h"

#include "debug/cfi_reader.h"

namespace kernel_test {

using Bytes = std::vector<uint8_t>;

inline void append_uleb(Bytes& out, uint64_t value) {
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        out.push_back(byte | (value ? 0x80 : 0));
    } while (value);
}

inline void append_sleb(Bytes& out, int64_t value) {
    for (;;) {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
        out.push_back(byte | (done ? 0 : 0x80));
        if (done)
            return;
    }
}

inline void append_u32(Bytes& out, uint32_t value) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

// DW_CFA_def_cfa rsp+8, DW_CFA_offset r16 at cfa-8: every x86-64 CIE's rules at a function's
// entry.
inline const Bytes entry_rules = {0x0c, 7, 8, 0x90, 1};

class EhFrameBuilder {
public:
    explicit EhFrameBuilder(uint64_t address = 0x500000) : m_address(address) {}

    // A CIE: code alignment 1, data alignment -8, return address r16; "zR" with FDE pointers
    // pc-relative 4-byte signed, or the given augmentation and its data.
    size_t cie(const Bytes& instructions = entry_rules, const std::string& augmentation = "zR",
               const Bytes& augmentation_data = {0x1b}) {
        size_t offset = bytes.size();
        Bytes body;
        append_u32(body, 0); // CIE id
        body.push_back(1);   // version
        body.insert(body.end(), augmentation.begin(), augmentation.end());
        body.push_back(0);
        append_uleb(body, 1);
        append_sleb(body, -8);
        body.push_back(16);
        if (!augmentation.empty() && augmentation[0] == 'z') {
            append_uleb(body, augmentation_data.size());
            body.insert(body.end(), augmentation_data.begin(), augmentation_data.end());
        }
        body.insert(body.end(), instructions.begin(), instructions.end());
        append_u32(bytes, static_cast<uint32_t>(body.size()));
        bytes.insert(bytes.end(), body.begin(), body.end());
        return offset;
    }

    // An FDE of the CIE at `cie_offset` (a "zR" pcrel|sdata4 one) for [begin, begin + length).
    size_t fde(size_t cie_offset, uint64_t begin, uint32_t length, const Bytes& instructions) {
        size_t offset = bytes.size();
        Bytes body;
        append_u32(body, static_cast<uint32_t>(offset + 4 - cie_offset));
        uint64_t field = m_address + offset + 8;
        append_u32(body, static_cast<uint32_t>(begin - field));
        append_u32(body, length);
        append_uleb(body, 0); // no augmentation data
        body.insert(body.end(), instructions.begin(), instructions.end());
        append_u32(bytes, static_cast<uint32_t>(body.size()));
        bytes.insert(bytes.end(), body.begin(), body.end());
        return offset;
    }

    void terminator() { append_u32(bytes, 0); }

    kernel::debug::CfiBytes section() const { return {bytes.data(), bytes.size(), m_address}; }

    Bytes bytes;

private:
    uint64_t m_address;
};

} // namespace kernel_test
