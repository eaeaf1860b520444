#include "fs/p9/client.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::p9 {

namespace {

// The largest errno Linux has; anything else a server sends is not an error we can pass on.
constexpr uint32_t highest_errno = 133;

Errno server_error(uint32_t code) {
    return code >= 1 && code <= highest_errno ? static_cast<Errno>(code) : EIO;
}

void write_name(Writer& writer, StringView name) {
    writer.string(name.data, name.length);
}

} // namespace

Writer& Client::start(MessageType type, uint16_t message_tag) {
    m_writer = Writer(m_transport.request_buffer(), m_message_size);
    m_writer.begin(type, message_tag);
    return m_writer;
}

ErrorOr<Reader> Client::transact(MessageType expected) {
    size_t length = m_writer.finish();
    if (length == 0)
        return ENAMETOOLONG; // only names and link targets can make a request outgrow msize
    size_t received = TRY(m_transport.exchange(length));
    const uint8_t* response = m_transport.response_buffer();
    Header header;
    if (!read_header(response, received, m_message_size, header) || header.tag != tag)
        return EIO;
    Reader reader(response + header_size, header.size - header_size);
    if (header.type == MessageType::Rlerror) {
        uint32_t code = reader.u32();
        return reader.finished() ? server_error(code) : EIO;
    }
    if (header.type != expected)
        return EIO;
    return reader;
}

ErrorOr<Qid> Client::qid_reply(MessageType expected) {
    Reader reader = TRY(transact(expected));
    Qid qid = reader.qid();
    if (!reader.finished())
        return EIO;
    return qid;
}

ErrorOr<void> Client::empty_reply(MessageType expected) {
    Reader reader = TRY(transact(expected));
    if (!reader.finished())
        return EIO;
    return {};
}

ErrorOr<uint32_t> Client::connect(Qid& root) {
    m_message_size = m_transport.message_size();
    Writer& version = start(MessageType::Tversion, no_tag);
    version.u32(m_message_size);
    version.string(protocol_version, sizeof protocol_version - 1);
    size_t length = version.finish();
    size_t received = TRY(m_transport.exchange(length));
    Header header;
    const uint8_t* response = m_transport.response_buffer();
    if (!read_header(response, received, m_message_size, header) ||
        header.type != MessageType::Rversion || header.tag != no_tag)
        return EIO;
    Reader reader(response + header_size, header.size - header_size);
    uint32_t size = reader.u32();
    Bytes name = reader.string();
    if (!reader.finished() || name.length != sizeof protocol_version - 1 ||
        memcmp(name.data, protocol_version, name.length) != 0)
        return EPROTO;
    // The server may lower msize, never raise it; below the minimum nothing useful fits.
    if (size < minimum_message_size || size > m_message_size)
        return EPROTO;
    m_message_size = size;

    uint32_t fid = TRY(allocate_fid());
    Writer& attach = start(MessageType::Tattach);
    attach.u32(fid);
    attach.u32(no_fid);
    write_name(attach, "root");
    write_name(attach, "");
    attach.u32(0); // n_uname: root
    auto qid = qid_reply(MessageType::Rattach);
    if (qid.is_error()) {
        release_fid(fid);
        return qid.error();
    }
    root = qid.value();
    return fid;
}

ErrorOr<uint32_t> Client::allocate_fid() {
    for (uint32_t i = 0; i < fid_count; ++i) {
        uint32_t fid = (m_next_fid + i) % fid_count;
        uint64_t bit = 1ull << (fid % 64);
        if (!(m_fids_in_use[fid / 64] & bit)) {
            m_fids_in_use[fid / 64] |= bit;
            m_next_fid = (fid + 1) % fid_count;
            return fid;
        }
    }
    return ENFILE;
}

void Client::release_fid(uint32_t fid) {
    m_fids_in_use[fid % fid_count / 64] &= ~(1ull << (fid % 64));
}

void Client::clunk(uint32_t fid) {
    Writer& writer = start(MessageType::Tclunk);
    writer.u32(fid);
    // The fid is gone whatever the answer (9P: "the fid is clunked even if the clunk fails").
    (void)empty_reply(MessageType::Rclunk);
    release_fid(fid);
}

ErrorOr<Qid> Client::walk(uint32_t fid, uint32_t new_fid, const StringView* name) {
    Writer& writer = start(MessageType::Twalk);
    writer.u32(fid);
    writer.u32(new_fid);
    writer.u16(name ? 1 : 0);
    if (name)
        write_name(writer, *name);
    Reader reader = TRY(transact(MessageType::Rwalk));
    uint16_t count = reader.u16();
    Qid qid;
    for (uint16_t i = 0; i < count && reader.ok(); ++i)
        qid = reader.qid();
    if (!reader.finished() || count != (name ? 1 : 0))
        return count == 0 && reader.finished() ? ENOENT : EIO;
    return qid;
}

ErrorOr<Attributes> Client::get_attributes(uint32_t fid) {
    Writer& writer = start(MessageType::Tgetattr);
    writer.u32(fid);
    writer.u64(getattr_basic);
    Reader reader = TRY(transact(MessageType::Rgetattr));
    Attributes attributes = read_attributes(reader);
    if (!reader.finished())
        return EIO;
    return attributes;
}

ErrorOr<void> Client::set_attributes(uint32_t fid, const AttributeChange& change) {
    Writer& writer = start(MessageType::Tsetattr);
    writer.u32(fid);
    write_attribute_change(writer, change);
    return empty_reply(MessageType::Rsetattr);
}

ErrorOr<FileSystemStatistics> Client::statistics(uint32_t fid) {
    Writer& writer = start(MessageType::Tstatfs);
    writer.u32(fid);
    Reader reader = TRY(transact(MessageType::Rstatfs));
    FileSystemStatistics statistics = read_statistics(reader);
    if (!reader.finished())
        return EIO;
    return statistics;
}

ErrorOr<Qid> Client::open(uint32_t fid, uint32_t flags) {
    Writer& writer = start(MessageType::Tlopen);
    writer.u32(fid);
    writer.u32(flags);
    Reader reader = TRY(transact(MessageType::Rlopen));
    Qid qid = reader.qid();
    reader.u32(); // iounit: reads and writes are sized by msize instead
    if (!reader.finished())
        return EIO;
    return qid;
}

ErrorOr<Qid> Client::create(uint32_t fid, StringView name, uint32_t flags, uint32_t mode) {
    Writer& writer = start(MessageType::Tlcreate);
    writer.u32(fid);
    write_name(writer, name);
    writer.u32(flags);
    writer.u32(mode);
    writer.u32(0); // gid
    Reader reader = TRY(transact(MessageType::Rlcreate));
    Qid qid = reader.qid();
    reader.u32(); // iounit
    if (!reader.finished())
        return EIO;
    return qid;
}

ErrorOr<Qid> Client::make_directory(uint32_t directory, StringView name, uint32_t mode) {
    Writer& writer = start(MessageType::Tmkdir);
    writer.u32(directory);
    write_name(writer, name);
    writer.u32(mode);
    writer.u32(0);
    return qid_reply(MessageType::Rmkdir);
}

ErrorOr<Qid> Client::make_symlink(uint32_t directory, StringView name, StringView target) {
    Writer& writer = start(MessageType::Tsymlink);
    writer.u32(directory);
    write_name(writer, name);
    write_name(writer, target);
    writer.u32(0);
    return qid_reply(MessageType::Rsymlink);
}

ErrorOr<Qid> Client::make_node(uint32_t directory, StringView name, uint32_t mode, uint32_t major,
                               uint32_t minor) {
    Writer& writer = start(MessageType::Tmknod);
    writer.u32(directory);
    write_name(writer, name);
    writer.u32(mode);
    writer.u32(major);
    writer.u32(minor);
    writer.u32(0);
    return qid_reply(MessageType::Rmknod);
}

ErrorOr<size_t> Client::read_link(uint32_t fid, char* buffer, size_t capacity) {
    Writer& writer = start(MessageType::Treadlink);
    writer.u32(fid);
    Reader reader = TRY(transact(MessageType::Rreadlink));
    Bytes target = reader.string();
    if (!reader.finished())
        return EIO;
    size_t length = min(target.length, capacity);
    memcpy(buffer, target.data, length);
    return length;
}

ErrorOr<void> Client::link(uint32_t directory, uint32_t target, StringView name) {
    Writer& writer = start(MessageType::Tlink);
    writer.u32(directory);
    writer.u32(target);
    write_name(writer, name);
    return empty_reply(MessageType::Rlink);
}

ErrorOr<void> Client::rename(uint32_t old_directory, StringView old_name, uint32_t new_directory,
                             StringView new_name) {
    Writer& writer = start(MessageType::Trenameat);
    writer.u32(old_directory);
    write_name(writer, old_name);
    writer.u32(new_directory);
    write_name(writer, new_name);
    return empty_reply(MessageType::Rrenameat);
}

ErrorOr<void> Client::unlink(uint32_t directory, StringView name, uint32_t flags) {
    Writer& writer = start(MessageType::Tunlinkat);
    writer.u32(directory);
    write_name(writer, name);
    writer.u32(flags);
    return empty_reply(MessageType::Runlinkat);
}

ErrorOr<void> Client::fsync(uint32_t fid) {
    Writer& writer = start(MessageType::Tfsync);
    writer.u32(fid);
    writer.u32(0); // datasync: no, all of it
    return empty_reply(MessageType::Rfsync);
}

ErrorOr<Bytes> Client::read(uint32_t fid, uint64_t offset, uint32_t count) {
    Writer& writer = start(MessageType::Tread);
    writer.u32(fid);
    writer.u64(offset);
    writer.u32(count);
    Reader reader = TRY(transact(MessageType::Rread));
    uint32_t length = reader.u32();
    Bytes data = reader.bytes(length);
    if (!reader.finished() || length > count)
        return EIO;
    return data;
}

ErrorOr<Bytes> Client::read_directory(uint32_t fid, uint64_t offset, uint32_t count) {
    Writer& writer = start(MessageType::Treaddir);
    writer.u32(fid);
    writer.u64(offset);
    writer.u32(count);
    Reader reader = TRY(transact(MessageType::Rreaddir));
    uint32_t length = reader.u32();
    Bytes data = reader.bytes(length);
    if (!reader.finished() || length > count)
        return EIO;
    return data;
}

} // namespace kernel::p9
