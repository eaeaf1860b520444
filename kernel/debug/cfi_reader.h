// Bounds-checked reads of call-frame information (.eh_frame, .eh_frame_hdr) from the program
// file in the payload. The file may be corrupt or hostile: every read checks the section's
// end, and a failure is an error value, never a fault.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::debug {

// A section of CFI bytes: where they are in memory, and the address the program sees them at
// (pc-relative pointers are relative to the latter).
struct CfiBytes {
    const uint8_t* bytes = nullptr;
    size_t size = 0;
    uint64_t address = 0;
};

// DW_EH_PE_*: how a pointer is encoded (low nibble: format; high: what it is relative to).
namespace pointer_encoding {
inline constexpr uint8_t absptr = 0x00, uleb128 = 0x01, udata2 = 0x02, udata4 = 0x03, udata8 = 0x04,
                         sleb128 = 0x09, sdata2 = 0x0a, sdata4 = 0x0b, sdata8 = 0x0c;
inline constexpr uint8_t pcrel = 0x10, datarel = 0x30, indirect = 0x80, omit = 0xff;
} // namespace pointer_encoding

class CfiReader {
public:
    CfiReader() = default;
    explicit CfiReader(const CfiBytes& section) : m_section(section) {}

    size_t offset() const { return m_offset; }
    bool at_end() const { return m_offset >= m_section.size; }
    const CfiBytes& section() const { return m_section; }

    ErrorOr<uint8_t> u8();
    ErrorOr<uint16_t> u16();
    ErrorOr<uint32_t> u32();
    ErrorOr<uint64_t> u64();
    ErrorOr<uint64_t> uleb128();
    ErrorOr<int64_t> sleb128();
    // `data_base` is what datarel pointers are relative to (.eh_frame_hdr's address).
    ErrorOr<uint64_t> pointer(uint8_t encoding, uint64_t data_base = 0);
    // The size of a fixed-size encoding, 0 for LEB128 or an unknown format.
    static size_t pointer_size(uint8_t encoding);

    ErrorOr<void> skip(uint64_t length);
    ErrorOr<void> seek(uint64_t offset);
    // The next `length` bytes as a section of their own, and moves past them.
    ErrorOr<CfiBytes> take(uint64_t length);
    // The NUL-terminated string here, and moves past it.
    ErrorOr<const char*> string();

private:
    ErrorOr<uint64_t> little_endian(size_t size);

    CfiBytes m_section;
    size_t m_offset = 0;
};

} // namespace kernel::debug
