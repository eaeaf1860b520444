#include "fs/p9/wire.h"

namespace kernel::p9 {

namespace {

uint64_t load_little_endian(const uint8_t* bytes, size_t count) {
    uint64_t value = 0;
    for (size_t i = count; i-- > 0;)
        value = value << 8 | bytes[i];
    return value;
}

void store_little_endian(uint8_t* bytes, uint64_t value, size_t count) {
    for (size_t i = 0; i < count; ++i, value >>= 8)
        bytes[i] = static_cast<uint8_t>(value);
}

} // namespace

bool read_header(const uint8_t* data, size_t length, uint32_t message_size, Header& header) {
    if (length < header_size)
        return false;
    header.size = static_cast<uint32_t>(load_little_endian(data, 4));
    header.type = static_cast<MessageType>(data[4]);
    header.tag = static_cast<uint16_t>(load_little_endian(data + 5, 2));
    return header.size >= header_size && header.size <= length && header.size <= message_size;
}

const uint8_t* Reader::take(size_t count) {
    if (m_failed || count > m_length - m_offset) {
        m_failed = true;
        return nullptr;
    }
    const uint8_t* at = m_data + m_offset;
    m_offset += count;
    return at;
}

uint8_t Reader::u8() {
    const uint8_t* at = take(1);
    return at ? *at : 0;
}

uint16_t Reader::u16() {
    const uint8_t* at = take(2);
    return at ? static_cast<uint16_t>(load_little_endian(at, 2)) : 0;
}

uint32_t Reader::u32() {
    const uint8_t* at = take(4);
    return at ? static_cast<uint32_t>(load_little_endian(at, 4)) : 0;
}

uint64_t Reader::u64() {
    const uint8_t* at = take(8);
    return at ? load_little_endian(at, 8) : 0;
}

Qid Reader::qid() {
    Qid qid;
    qid.type = u8();
    qid.version = u32();
    qid.path = u64();
    return qid;
}

Bytes Reader::string() {
    return bytes(u16());
}

Bytes Reader::bytes(size_t count) {
    const uint8_t* at = take(count);
    return at ? Bytes{at, count} : Bytes{};
}

uint8_t* Writer::take(size_t count) {
    if (m_failed || count > m_capacity - m_offset) {
        m_failed = true;
        return nullptr;
    }
    uint8_t* at = m_buffer + m_offset;
    m_offset += count;
    return at;
}

void Writer::begin(MessageType type, uint16_t tag) {
    m_offset = 0;
    m_failed = false;
    u32(0);
    u8(static_cast<uint8_t>(type));
    u16(tag);
}

void Writer::u8(uint8_t value) {
    if (uint8_t* at = take(1))
        *at = value;
}

void Writer::u16(uint16_t value) {
    if (uint8_t* at = take(2))
        store_little_endian(at, value, 2);
}

void Writer::u32(uint32_t value) {
    if (uint8_t* at = take(4))
        store_little_endian(at, value, 4);
}

void Writer::u64(uint64_t value) {
    if (uint8_t* at = take(8))
        store_little_endian(at, value, 8);
}

void Writer::qid(const Qid& value) {
    u8(value.type);
    u32(value.version);
    u64(value.path);
}

void Writer::string(const char* text, size_t length) {
    if (length > 0xffff) {
        m_failed = true;
        return;
    }
    u16(static_cast<uint16_t>(length));
    bytes(text, length);
}

void Writer::bytes(const void* data, size_t length) {
    if (uint8_t* at = take(length))
        __builtin_memcpy(at, data, length);
}

uint8_t* Writer::reserve(size_t length) {
    return take(length);
}

void Writer::give_back(size_t length) {
    if (m_failed || length > m_offset - header_size) {
        m_failed = true;
        return;
    }
    m_offset -= length;
}

void Writer::patch_u32(size_t offset, uint32_t value) {
    if (m_failed || offset > m_offset || m_offset - offset < 4) {
        m_failed = true;
        return;
    }
    store_little_endian(m_buffer + offset, value, 4);
}

size_t Writer::finish() {
    if (m_failed || m_offset < header_size)
        return 0;
    store_little_endian(m_buffer, m_offset, 4);
    return m_offset;
}

void write_attributes(Writer& writer, const Attributes& a) {
    writer.u64(a.valid);
    writer.qid(a.qid);
    writer.u32(a.mode);
    writer.u32(a.uid);
    writer.u32(a.gid);
    const uint64_t fields[] = {a.link_count,
                               a.rdev,
                               a.size,
                               a.block_size,
                               a.blocks,
                               a.atime_seconds,
                               a.atime_nanoseconds,
                               a.mtime_seconds,
                               a.mtime_nanoseconds,
                               a.ctime_seconds,
                               a.ctime_nanoseconds,
                               a.btime_seconds,
                               a.btime_nanoseconds,
                               a.generation,
                               a.data_version};
    for (uint64_t field : fields)
        writer.u64(field);
}

Attributes read_attributes(Reader& reader) {
    Attributes a;
    a.valid = reader.u64();
    a.qid = reader.qid();
    a.mode = reader.u32();
    a.uid = reader.u32();
    a.gid = reader.u32();
    uint64_t* fields[] = {&a.link_count,
                          &a.rdev,
                          &a.size,
                          &a.block_size,
                          &a.blocks,
                          &a.atime_seconds,
                          &a.atime_nanoseconds,
                          &a.mtime_seconds,
                          &a.mtime_nanoseconds,
                          &a.ctime_seconds,
                          &a.ctime_nanoseconds,
                          &a.btime_seconds,
                          &a.btime_nanoseconds,
                          &a.generation,
                          &a.data_version};
    for (uint64_t* field : fields)
        *field = reader.u64();
    return a;
}

void write_attribute_change(Writer& writer, const AttributeChange& c) {
    writer.u32(c.valid);
    writer.u32(c.mode);
    writer.u32(c.uid);
    writer.u32(c.gid);
    writer.u64(c.size);
    writer.u64(c.atime_seconds);
    writer.u64(c.atime_nanoseconds);
    writer.u64(c.mtime_seconds);
    writer.u64(c.mtime_nanoseconds);
}

AttributeChange read_attribute_change(Reader& reader) {
    AttributeChange c;
    c.valid = reader.u32();
    c.mode = reader.u32();
    c.uid = reader.u32();
    c.gid = reader.u32();
    c.size = reader.u64();
    c.atime_seconds = reader.u64();
    c.atime_nanoseconds = reader.u64();
    c.mtime_seconds = reader.u64();
    c.mtime_nanoseconds = reader.u64();
    return c;
}

void write_statistics(Writer& writer, const FileSystemStatistics& s) {
    writer.u32(s.type);
    writer.u32(s.block_size);
    const uint64_t fields[] = {s.blocks, s.free_blocks, s.available_blocks,
                               s.files,  s.free_files,  s.fsid};
    for (uint64_t field : fields)
        writer.u64(field);
    writer.u32(s.name_length);
}

FileSystemStatistics read_statistics(Reader& reader) {
    FileSystemStatistics s;
    s.type = reader.u32();
    s.block_size = reader.u32();
    uint64_t* fields[] = {&s.blocks, &s.free_blocks, &s.available_blocks,
                          &s.files,  &s.free_files,  &s.fsid};
    for (uint64_t* field : fields)
        *field = reader.u64();
    s.name_length = reader.u32();
    return s;
}

void write_directory_record(Writer& writer, const DirectoryRecord& record) {
    writer.qid(record.qid);
    writer.u64(record.offset);
    writer.u8(record.type);
    writer.string(reinterpret_cast<const char*>(record.name.data), record.name.length);
}

DirectoryRecord read_directory_record(Reader& reader) {
    DirectoryRecord record;
    record.qid = reader.qid();
    record.offset = reader.u64();
    record.type = reader.u8();
    record.name = reader.string();
    return record;
}

bool is_valid_name(Bytes name) {
    if (name.length == 0 || name.length > 255)
        return false;
    if (name.data[0] == '.' && (name.length == 1 || (name.length == 2 && name.data[1] == '.')))
        return false;
    for (size_t i = 0; i < name.length; ++i)
        if (name.data[i] == '/' || name.data[i] == 0)
            return false;
    return true;
}

} // namespace kernel::p9
