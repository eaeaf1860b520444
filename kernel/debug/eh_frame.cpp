#include "debug/eh_frame.h"

namespace kernel::debug {

namespace {

struct Cie {
    uint64_t code_alignment = 0;
    int64_t data_alignment = 0;
    uint64_t return_register = 0;
    uint8_t fde_encoding = pointer_encoding::absptr;
    bool has_augmentation_data = false;
    bool signal_frame = false;
    CfiBytes instructions;
};

// An entry's length: 32 bits, or 64 after the 0xffffffff escape. Returns the reader positioned
// after it and `end` at the entry's end.
ErrorOr<void> read_length(CfiReader& reader, uint64_t& length, uint64_t& end) {
    length = TRY(reader.u32());
    if (length == 0xffffffff)
        length = TRY(reader.u64());
    if (!range_end(reader.offset(), length, end) || end > reader.section().size)
        return EINVAL;
    return {};
}

ErrorOr<Cie> parse_cie(const CfiBytes& eh_frame, uint64_t offset) {
    CfiReader reader(eh_frame);
    TRY(reader.seek(offset));
    uint64_t length, end;
    TRY(read_length(reader, length, end));
    if (length == 0 || TRY(reader.u32()) != 0) // an .eh_frame CIE's id is 0
        return EINVAL;
    uint8_t version = TRY(reader.u8());
    if (version != 1 && version != 3)
        return ENOTSUP;
    const char* augmentation = TRY(reader.string());
    Cie cie;
    cie.code_alignment = TRY(reader.uleb128());
    cie.data_alignment = TRY(reader.sleb128());
    cie.return_register = version == 1 ? TRY(reader.u8()) : TRY(reader.uleb128());
    uint64_t data_end = end;
    for (const char* letter = augmentation; *letter; ++letter) {
        if (*letter == 'z' && letter == augmentation) {
            uint64_t data_length = TRY(reader.uleb128());
            if (!range_end(reader.offset(), data_length, data_end) || data_end > end)
                return EINVAL;
            cie.has_augmentation_data = true;
        } else if (*letter == 'R') {
            cie.fde_encoding = TRY(reader.u8());
        } else if (*letter == 'P') {
            // The personality routine is of no use to a backtrace: read past it, without
            // following an indirect pointer.
            uint8_t encoding = TRY(reader.u8());
            TRY(reader.pointer(static_cast<uint8_t>(encoding & ~pointer_encoding::indirect)));
        } else if (*letter == 'L') {
            TRY(reader.u8());
        } else if (*letter == 'S') {
            cie.signal_frame = true;
        } else if (cie.has_augmentation_data) {
            break; // 'z' told how long the data is: the rest is skipped below
        } else {
            return ENOTSUP;
        }
    }
    if (reader.offset() > data_end)
        return EINVAL;
    TRY(reader.seek(data_end));
    cie.instructions = TRY(reader.take(end - data_end));
    return cie;
}

// .eh_frame_hdr up to its entry count (LSB, "Exception Frame Header"): version 1, the
// encodings of the .eh_frame pointer, of the count and of the table, then the pointer. The
// reader is left at the count. ENOENT for another version.
struct HeaderStart {
    uint64_t frame;
    uint8_t count_encoding;
    uint8_t table_encoding;
};

ErrorOr<HeaderStart> read_header_start(CfiReader& reader, uint64_t header_address) {
    if (TRY(reader.u8()) != 1)
        return ENOENT;
    uint8_t frame_encoding = TRY(reader.u8());
    uint8_t count_encoding = TRY(reader.u8());
    uint8_t table_encoding = TRY(reader.u8());
    uint64_t frame = TRY(reader.pointer(frame_encoding, header_address));
    return HeaderStart{frame, count_encoding, table_encoding};
}

} // namespace

ErrorOr<uint64_t> EhFrame::indexed_frame(const CfiBytes& header) {
    CfiReader reader(header);
    return TRY(read_header_start(reader, header.address)).frame;
}

EhFrame::EhFrame(const CfiBytes& eh_frame, const CfiBytes& header) : m_eh_frame(eh_frame) {
    // A header that does not parse, or describes another .eh_frame, is ignored: the scan
    // still works.
    CfiReader reader(header);
    auto start = read_header_start(reader, header.address);
    if (start.is_error() || start.value().frame != eh_frame.address ||
        start.value().count_encoding == pointer_encoding::omit)
        return;
    auto count = reader.pointer(start.value().count_encoding, header.address);
    size_t entry_size = 2 * CfiReader::pointer_size(start.value().table_encoding);
    if (count.is_error() || entry_size == 0 ||
        count.value() > (header.size - reader.offset()) / entry_size)
        return;
    auto table = reader.take(count.value() * entry_size);
    if (table.is_error())
        return;
    m_header = header;
    m_table = table.value();
    m_table_count = count.value();
    m_table_encoding = start.value().table_encoding;
}

ErrorOr<Fde> EhFrame::find(uint64_t pc) const {
    if (!present())
        return ENOENT;
    return m_table_count > 0 ? search_table(pc) : scan(pc);
}

ErrorOr<Fde> EhFrame::search_table(uint64_t pc) const {
    size_t entry_size = 2 * CfiReader::pointer_size(m_table_encoding);
    // The last entry whose initial location is at or below pc.
    size_t low = 0, high = m_table_count;
    uint64_t fde_address = 0;
    bool found = false;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        CfiReader entry(m_table);
        TRY(entry.seek(middle * entry_size));
        uint64_t location = TRY(entry.pointer(m_table_encoding, m_header.address));
        if (location <= pc) {
            fde_address = TRY(entry.pointer(m_table_encoding, m_header.address));
            found = true;
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    if (!found || fde_address < m_eh_frame.address)
        return ENOENT;
    uint64_t next;
    Fde fde = TRY(parse_fde(fde_address - m_eh_frame.address, next));
    if (pc < fde.pc_begin || pc >= fde.pc_end)
        return ENOENT;
    return fde;
}

ErrorOr<Fde> EhFrame::scan(uint64_t pc) const {
    uint64_t offset = 0;
    while (offset < m_eh_frame.size) {
        uint64_t next = 0;
        auto fde = parse_fde(offset, next);
        if (!fde.is_error() && pc >= fde.value().pc_begin && pc < fde.value().pc_end)
            return fde;
        if (fde.is_error() && fde.error().code() != ENOENT)
            return fde.error();
        if (next <= offset) // the zero terminator
            break;
        offset = next;
    }
    return ENOENT;
}

ErrorOr<Fde> EhFrame::parse_fde(uint64_t offset, uint64_t& next) const {
    CfiReader reader(m_eh_frame);
    TRY(reader.seek(offset));
    uint64_t length, end;
    TRY(read_length(reader, length, end));
    next = end;
    if (length == 0)
        return ENOENT;
    uint64_t id_offset = reader.offset();
    uint32_t cie_pointer = TRY(reader.u32());
    if (cie_pointer == 0)
        return ENOENT;
    // The CIE pointer counts back from itself.
    if (cie_pointer > id_offset)
        return EINVAL;
    Cie cie = TRY(parse_cie(m_eh_frame, id_offset - cie_pointer));
    Fde fde;
    fde.pc_begin = TRY(reader.pointer(cie.fde_encoding));
    // The range is a length: its encoding's format, with nothing to be relative to.
    uint64_t range = TRY(reader.pointer(cie.fde_encoding & 0x0f));
    if (!range_end(fde.pc_begin, range, fde.pc_end))
        return EINVAL;
    if (cie.has_augmentation_data)
        TRY(reader.skip(TRY(reader.uleb128())));
    if (reader.offset() > end)
        return EINVAL;
    fde.instructions = TRY(reader.take(end - reader.offset()));
    fde.code_alignment = cie.code_alignment;
    fde.data_alignment = cie.data_alignment;
    fde.return_register = cie.return_register;
    fde.signal_frame = cie.signal_frame;
    fde.initial_instructions = cie.instructions;
    return fde;
}

} // namespace kernel::debug
