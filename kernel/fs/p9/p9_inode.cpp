#include "fs/p9/p9_inode.h"

#include "fs/p9/p9_file_system.h"
#include "lib/utility.h"

namespace kernel::p9 {

namespace {

vfs::Timestamp timestamp(uint64_t seconds, uint64_t nanoseconds) {
    return {static_cast<int64_t>(seconds), static_cast<uint32_t>(nanoseconds)};
}

// getdents64's d_type is the S_IF* type shifted right by 12 (DT_REG 8 is S_IFREG >> 12).
vfs::NodeType type_of_entry(uint8_t d_type) {
    uint32_t mode = static_cast<uint32_t>(d_type) << 12;
    switch (mode) {
    case uint32_t(vfs::NodeType::Fifo):
    case uint32_t(vfs::NodeType::CharacterDevice):
    case uint32_t(vfs::NodeType::Directory):
    case uint32_t(vfs::NodeType::BlockDevice):
    case uint32_t(vfs::NodeType::Symlink):
    case uint32_t(vfs::NodeType::Socket):
        return static_cast<vfs::NodeType>(mode);
    default:
        return vfs::NodeType::Regular;
    }
}

bool is_known_type(uint32_t mode) {
    switch (mode & vfs::type_mask) {
    case uint32_t(vfs::NodeType::Fifo):
    case uint32_t(vfs::NodeType::CharacterDevice):
    case uint32_t(vfs::NodeType::Directory):
    case uint32_t(vfs::NodeType::BlockDevice):
    case uint32_t(vfs::NodeType::Regular):
    case uint32_t(vfs::NodeType::Symlink):
    case uint32_t(vfs::NodeType::Socket):
        return true;
    default:
        return false;
    }
}

// Linux's makedev() split, as mknod's major and minor.
uint32_t device_major(uint64_t device) {
    return static_cast<uint32_t>(((device >> 32) & 0xfffff000) | ((device >> 8) & 0xfff));
}
uint32_t device_minor(uint64_t device) {
    return static_cast<uint32_t>(((device >> 12) & 0xffffff00) | (device & 0xff));
}

} // namespace

P9Inode::~P9Inode() {
    Client& client = m_file_system.client();
    if (m_io_fid != no_io_fid)
        client.clunk(m_io_fid);
    client.clunk(m_fid);
}

vfs::FileSystem& P9Inode::file_system() {
    return m_file_system;
}

ErrorOr<void> P9Inode::attributes(vfs::Attributes& attributes) {
    Attributes host = TRY(m_file_system.client().get_attributes(m_fid));
    attributes = {};
    attributes.inode = host.qid.path;
    attributes.mode = host.mode;
    attributes.link_count = static_cast<uint32_t>(host.link_count);
    attributes.uid = host.uid;
    attributes.gid = host.gid;
    attributes.size = host.size;
    attributes.blocks = host.blocks;
    attributes.block_size = static_cast<uint32_t>(host.block_size);
    attributes.device = host.rdev;
    attributes.access_time = timestamp(host.atime_seconds, host.atime_nanoseconds);
    attributes.modify_time = timestamp(host.mtime_seconds, host.mtime_nanoseconds);
    attributes.change_time = timestamp(host.ctime_seconds, host.ctime_nanoseconds);
    return {};
}

ErrorOr<void> P9Inode::change_attributes(const vfs::AttributeChange& change) {
    if (m_file_system.is_read_only())
        return EROFS;
    AttributeChange request;
    using Field = vfs::AttributeChange;
    if (change.fields & Field::Mode) {
        request.valid |= setattr_mode;
        request.mode = change.mode & vfs::permission_mask;
    }
    if (change.fields & Field::Uid) {
        request.valid |= setattr_uid;
        request.uid = change.uid;
    }
    if (change.fields & Field::Gid) {
        request.valid |= setattr_gid;
        request.gid = change.gid;
    }
    if (change.fields & Field::Size) {
        request.valid |= setattr_size;
        request.size = change.size;
    }
    if (change.fields & Field::AccessTime) {
        request.valid |= setattr_atime | setattr_atime_set;
        request.atime_seconds = static_cast<uint64_t>(change.access_time.seconds);
        request.atime_nanoseconds = change.access_time.nanoseconds;
    }
    if (change.fields & Field::ModifyTime) {
        request.valid |= setattr_mtime | setattr_mtime_set;
        request.mtime_seconds = static_cast<uint64_t>(change.modify_time.seconds);
        request.mtime_nanoseconds = change.modify_time.nanoseconds;
    }
    return m_file_system.client().set_attributes(m_fid, request);
}

ErrorOr<RefPtr<vfs::Inode>> P9Inode::walk_to(StringView name) {
    Client& client = m_file_system.client();
    uint32_t fid = TRY(client.allocate_fid());
    auto walked = client.walk(m_fid, fid, &name);
    if (walked.is_error()) {
        client.release_fid(fid);
        return walked.error();
    }
    auto attributes = client.get_attributes(fid);
    if (attributes.is_error() || !is_known_type(attributes.value().mode)) {
        client.clunk(fid);
        return attributes.is_error() ? attributes.error() : Error(EIO);
    }
    auto type = static_cast<vfs::NodeType>(attributes.value().mode & vfs::type_mask);
    RefPtr<vfs::Inode> inode = make_ref<P9Inode>(m_file_system, fid, type);
    if (!inode) {
        client.clunk(fid);
        return ENOMEM;
    }
    return inode;
}

ErrorOr<RefPtr<vfs::Inode>> P9Inode::lookup(StringView name) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    if (name.length > vfs::name_max)
        return ENAMETOOLONG;
    return walk_to(name);
}

ErrorOr<void> P9Inode::check_directory_change() {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    if (m_file_system.is_read_only())
        return EROFS;
    return {};
}

ErrorOr<RefPtr<vfs::Inode>> P9Inode::create(StringView name, vfs::NodeType type, uint32_t mode,
                                            uint64_t device) {
    TRY(check_directory_change());
    if (name.length > vfs::name_max)
        return ENAMETOOLONG;
    Client& client = m_file_system.client();
    uint32_t permissions = mode & vfs::permission_mask;
    switch (type) {
    case vfs::NodeType::Regular: {
        // Tlcreate turns a clone of the directory's fid into the new file, open for I/O.
        uint32_t io = TRY(client.allocate_fid());
        if (auto cloned = client.walk(m_fid, io, nullptr); cloned.is_error()) {
            client.release_fid(io);
            return cloned.error();
        }
        if (auto created = client.create(io, name, open_read_write | open_create | open_exclusive,
                                         permissions);
            created.is_error()) {
            client.clunk(io);
            return created.error();
        }
        auto inode = walk_to(name);
        if (inode.is_error()) {
            client.clunk(io);
            return inode.error();
        }
        auto& file = static_cast<P9Inode&>(*inode.value());
        file.m_io_fid = io;
        file.m_io_writable = true;
        return inode;
    }
    case vfs::NodeType::Directory:
        TRY(client.make_directory(m_fid, name, permissions));
        return walk_to(name);
    default:
        TRY(client.make_node(m_fid, name, static_cast<uint32_t>(type) | permissions,
                             device_major(device), device_minor(device)));
        return walk_to(name);
    }
}

ErrorOr<RefPtr<vfs::Inode>> P9Inode::create_symlink(StringView name, StringView target) {
    TRY(check_directory_change());
    if (name.length > vfs::name_max)
        return ENAMETOOLONG;
    if (target.length >= vfs::path_max)
        return ENAMETOOLONG;
    TRY(m_file_system.client().make_symlink(m_fid, name, target));
    return walk_to(name);
}

ErrorOr<void> P9Inode::link(StringView name, vfs::Inode& target) {
    TRY(check_directory_change());
    if (&target.file_system() != &m_file_system)
        return EXDEV;
    if (name.length > vfs::name_max)
        return ENAMETOOLONG;
    return m_file_system.client().link(m_fid, static_cast<P9Inode&>(target).m_fid, name);
}

ErrorOr<void> P9Inode::remove(StringView name, bool directory) {
    TRY(check_directory_change());
    return m_file_system.client().unlink(m_fid, name, directory ? unlink_directory : 0);
}

ErrorOr<void> P9Inode::rename(StringView old_name, vfs::Inode& new_directory, StringView new_name,
                              uint32_t flags) {
    TRY(check_directory_change());
    // 9P2000.L's Trenameat has no flags: RENAME_NOREPLACE and RENAME_EXCHANGE cannot be kept.
    if (flags)
        return EINVAL;
    if (&new_directory.file_system() != &m_file_system)
        return EXDEV;
    if (new_name.length > vfs::name_max)
        return ENAMETOOLONG;
    return m_file_system.client().rename(m_fid, old_name,
                                         static_cast<P9Inode&>(new_directory).m_fid, new_name);
}

ErrorOr<uint32_t> P9Inode::io_fid(bool writing) {
    if (m_io_fid != no_io_fid && (m_io_writable || !writing))
        return m_io_fid;
    Client& client = m_file_system.client();
    bool directory = m_type == vfs::NodeType::Directory;
    // Read and write when the volume may change, so one fid serves both; a file the server
    // will not open for writing is still readable.
    bool try_writable = !directory && !m_file_system.is_read_only();
    uint32_t fid = TRY(client.allocate_fid());
    if (auto cloned = client.walk(m_fid, fid, nullptr); cloned.is_error()) {
        client.release_fid(fid);
        return cloned.error();
    }
    uint32_t flags = directory ? open_read_only | open_directory : open_read_only;
    bool writable = false;
    if (try_writable) {
        auto opened = client.open(fid, open_read_write);
        writable = !opened.is_error();
        if (opened.is_error() && writing) {
            client.clunk(fid);
            return opened.error();
        }
    }
    if (!writable) {
        if (auto opened = client.open(fid, flags); opened.is_error()) {
            client.clunk(fid);
            return opened.error();
        }
    }
    if (m_io_fid != no_io_fid)
        client.clunk(m_io_fid);
    m_io_fid = fid;
    m_io_writable = writable;
    return fid;
}

ErrorOr<void> P9Inode::read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    Client& client = m_file_system.client();
    uint32_t fid = TRY(io_fid(false));
    for (;;) {
        Bytes records = TRY(client.read_directory(fid, cookie, client.read_limit()));
        if (records.length == 0)
            return {};
        // A server that hands back the same entries again would keep this loop forever.
        uint64_t start = cookie;
        Reader reader(records.data, records.length);
        while (reader.remaining() > 0) {
            DirectoryRecord record = read_directory_record(reader);
            if (!reader.ok() || record.name.length == 0 || record.name.length > vfs::name_max)
                return EIO;
            vfs::DirectoryEntry entry{
                StringView(reinterpret_cast<const char*>(record.name.data), record.name.length),
                record.qid.path, type_of_entry(record.type), record.offset};
            if (!visitor.visit(entry))
                return {};
            cookie = record.offset;
        }
        if (cookie == start)
            return EIO;
    }
}

ErrorOr<size_t> P9Inode::read(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (m_type == vfs::NodeType::Directory)
        return EISDIR;
    if (m_type != vfs::NodeType::Regular)
        return EINVAL;
    Client& client = m_file_system.client();
    uint32_t fid = TRY(io_fid(false));
    size_t done = 0;
    while (done < length) {
        uint32_t asked = static_cast<uint32_t>(min<size_t>(length - done, client.read_limit()));
        Bytes data = TRY(client.read(fid, offset + done, asked));
        TRY(buffer.write(done, data.data, data.length));
        done += data.length;
        if (data.length < asked)
            break;
    }
    return done;
}

ErrorOr<size_t> P9Inode::write(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (m_type == vfs::NodeType::Directory)
        return EISDIR;
    if (m_file_system.is_read_only())
        return EROFS;
    if (m_type != vfs::NodeType::Regular)
        return EINVAL;
    Client& client = m_file_system.client();
    uint32_t fid = TRY(io_fid(true));
    size_t done = 0;
    while (done < length) {
        uint32_t count = static_cast<uint32_t>(min<size_t>(length - done, client.write_limit()));
        auto written = client.write(fid, offset + done, count, [&](uint8_t* destination) {
            return buffer.read(done, destination, count);
        });
        if (written.is_error()) {
            if (done > 0)
                break; // what was written stays written, as a short write
            return written.error();
        }
        done += written.value();
        if (written.value() < count)
            break;
    }
    return done;
}

ErrorOr<void> P9Inode::sync() {
    uint32_t fid = TRY(io_fid(false));
    return m_file_system.client().fsync(fid);
}

ErrorOr<size_t> P9Inode::read_link(char* buffer, size_t capacity) {
    if (m_type != vfs::NodeType::Symlink)
        return EINVAL;
    return m_file_system.client().read_link(m_fid, buffer, capacity);
}

} // namespace kernel::p9
