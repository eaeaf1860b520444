// The program's unwind tables: .eh_frame's CIEs and FDEs, found through .eh_frame_hdr's sorted
// table when the program has one (a linker-built binary search table), else by a linear scan
// of .eh_frame. Everything is read in place from the program file and bounds-checked.
#pragma once

#include "debug/cfi_reader.h"

namespace kernel::debug {

// One function's unwind description, with what its CIE contributes.
struct Fde {
    uint64_t pc_begin = 0, pc_end = 0;
    uint64_t code_alignment = 0;
    int64_t data_alignment = 0;
    uint64_t return_register = 0;
    bool signal_frame = false;     // "S": the pc is not after a call, do not subtract 1
    CfiBytes initial_instructions; // the CIE's
    CfiBytes instructions;         // the FDE's
};

class EhFrame {
public:
    EhFrame() = default;
    // `header`: .eh_frame_hdr, empty when the program has none.
    EhFrame(const CfiBytes& eh_frame, const CfiBytes& header);

    // Where the .eh_frame that the .eh_frame_hdr `header` indexes begins; ENOENT for a header
    // of another version, EINVAL for one cut short.
    static ErrorOr<uint64_t> indexed_frame(const CfiBytes& header);

    bool present() const { return m_eh_frame.size > 0; }
    // Found through .eh_frame_hdr's sorted table, not by a scan.
    bool indexed() const { return m_table_count > 0; }
    // ENOENT when no FDE covers `pc`, EINVAL or ENOTSUP when the tables are corrupt or use
    // what this reader does not support.
    ErrorOr<Fde> find(uint64_t pc) const;

private:
    ErrorOr<Fde> search_table(uint64_t pc) const;
    ErrorOr<Fde> scan(uint64_t pc) const;
    // The FDE at `offset` into .eh_frame; ENOENT if a CIE or the terminator lies there.
    ErrorOr<Fde> parse_fde(uint64_t offset, uint64_t& next) const;

    CfiBytes m_eh_frame;
    CfiBytes m_header;
    // From .eh_frame_hdr: the sorted (initial location, FDE address) pairs.
    CfiBytes m_table;
    uint64_t m_table_count = 0;
    uint8_t m_table_encoding = 0;
};

} // namespace kernel::debug
