#include "debug/cfi_reader.h"

namespace kernel::debug {

ErrorOr<uint64_t> CfiReader::little_endian(size_t size) {
    if (size > m_section.size - min(m_offset, m_section.size))
        return EINVAL;
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i)
        value |= static_cast<uint64_t>(m_section.bytes[m_offset + i]) << (8 * i);
    m_offset += size;
    return value;
}

ErrorOr<uint8_t> CfiReader::u8() {
    return static_cast<uint8_t>(TRY(little_endian(1)));
}

ErrorOr<uint16_t> CfiReader::u16() {
    return static_cast<uint16_t>(TRY(little_endian(2)));
}

ErrorOr<uint32_t> CfiReader::u32() {
    return static_cast<uint32_t>(TRY(little_endian(4)));
}

ErrorOr<uint64_t> CfiReader::u64() {
    return little_endian(8);
}

ErrorOr<uint64_t> CfiReader::uleb128() {
    uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
        uint8_t byte = TRY(u8());
        // Bits past 64 would be lost: such a number is not one a valid image holds.
        if (shift >= 64 || (shift == 63 && (byte & 0x7e) != 0))
            return EINVAL;
        value |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return value;
    }
}

ErrorOr<int64_t> CfiReader::sleb128() {
    uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
        uint8_t byte = TRY(u8());
        if (shift >= 64)
            return EINVAL;
        value |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) {
            if (shift + 7 < 64 && (byte & 0x40) != 0)
                value |= ~uint64_t{0} << (shift + 7);
            return static_cast<int64_t>(value);
        }
    }
}

size_t CfiReader::pointer_size(uint8_t encoding) {
    using namespace pointer_encoding;
    switch (encoding & 0x0f) {
    case udata2:
    case sdata2:
        return 2;
    case udata4:
    case sdata4:
        return 4;
    case absptr:
    case udata8:
    case sdata8:
        return 8;
    default:
        return 0;
    }
}

ErrorOr<uint64_t> CfiReader::pointer(uint8_t encoding, uint64_t data_base) {
    using namespace pointer_encoding;
    uint64_t place = m_section.address + m_offset;
    uint64_t value;
    switch (encoding & 0x0f) {
    case absptr:
    case udata8:
    case sdata8:
        value = TRY(u64());
        break;
    case pointer_encoding::uleb128:
        value = TRY(this->uleb128());
        break;
    case udata2:
        value = TRY(u16());
        break;
    case udata4:
        value = TRY(u32());
        break;
    case pointer_encoding::sleb128:
        value = static_cast<uint64_t>(TRY(this->sleb128()));
        break;
    case sdata2:
        value = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(TRY(u16()))));
        break;
    case sdata4:
        value = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(TRY(u32()))));
        break;
    default:
        return EINVAL;
    }
    // Indirect pointers would need the loaded data, which a static program's FDEs never use.
    switch (encoding & 0x70) {
    case 0:
        break;
    case pcrel:
        value += place;
        break;
    case datarel:
        value += data_base;
        break;
    default:
        return ENOTSUP;
    }
    if (encoding & indirect)
        return ENOTSUP;
    return value;
}

ErrorOr<void> CfiReader::skip(uint64_t length) {
    if (length > m_section.size - min(m_offset, m_section.size))
        return EINVAL;
    m_offset += length;
    return {};
}

ErrorOr<void> CfiReader::seek(uint64_t offset) {
    if (offset > m_section.size)
        return EINVAL;
    m_offset = offset;
    return {};
}

ErrorOr<CfiBytes> CfiReader::take(uint64_t length) {
    size_t start = m_offset;
    TRY(skip(length));
    return CfiBytes{m_section.bytes + start, static_cast<size_t>(length),
                    m_section.address + start};
}

ErrorOr<const char*> CfiReader::string() {
    for (size_t end = m_offset; end < m_section.size; ++end) {
        if (m_section.bytes[end] == 0) {
            const char* text = reinterpret_cast<const char*>(m_section.bytes + m_offset);
            m_offset = end + 1;
            return text;
        }
    }
    return EINVAL;
}

} // namespace kernel::debug
