#include "fs/inode_file.h"

#include "fs/locking.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr uint64_t max_offset = 0x7fffffffffffffff; // loff_t

// getdents64's record (linux_dirent64): d_ino, d_off, d_reclen, d_type, then the name and its
// NUL, padded to 8 bytes.
constexpr size_t dirent_header = 19;

class DirentWriter final : public vfs::DirectoryVisitor {
public:
    DirentWriter(uint64_t user_buffer, size_t capacity)
        : m_user_buffer(user_buffer), m_capacity(capacity) {}

    bool visit(const vfs::DirectoryEntry& entry) override {
        size_t length = align_up(dirent_header + entry.name.length + 1, 8);
        if (m_used + length > m_capacity)
            return false;
        uint8_t record[align_up(dirent_header + vfs::name_max + 1, 8)] = {};
        uint64_t next = entry.next;
        uint16_t record_length = static_cast<uint16_t>(length);
        memcpy(record, &entry.inode, 8);
        memcpy(record + 8, &next, 8);
        memcpy(record + 16, &record_length, 2);
        record[18] = static_cast<uint8_t>(static_cast<uint32_t>(entry.type) >> 12); // DT_*
        memcpy(record + dirent_header, entry.name.data, entry.name.length);
        auto copied = copy_to_user(m_user_buffer + m_used, record, length);
        if (copied.is_error()) {
            m_fault = true;
            return false;
        }
        m_used += length;
        return true;
    }

    size_t used() const { return m_used; }
    bool faulted() const { return m_fault; }

private:
    uint64_t m_user_buffer;
    size_t m_capacity;
    size_t m_used = 0;
    bool m_fault = false;
};

} // namespace

ErrorOr<void> stat_inode(vfs::Inode& inode, LinuxStat& stat) {
    vfs::Attributes attributes;
    TRY(inode.attributes(attributes));
    stat = {};
    stat.st_dev = inode.file_system().device_id();
    stat.st_ino = attributes.inode;
    stat.st_nlink = attributes.link_count;
    stat.st_mode = attributes.mode;
    stat.st_uid = attributes.uid;
    stat.st_gid = attributes.gid;
    stat.st_rdev = attributes.device;
    stat.st_size = static_cast<int64_t>(attributes.size);
    stat.st_blksize = attributes.block_size;
    stat.st_blocks = static_cast<int64_t>(attributes.blocks);
    stat.st_atime_sec = static_cast<uint64_t>(attributes.access_time.seconds);
    stat.st_atime_nsec = attributes.access_time.nanoseconds;
    stat.st_mtime_sec = static_cast<uint64_t>(attributes.modify_time.seconds);
    stat.st_mtime_nsec = attributes.modify_time.nanoseconds;
    stat.st_ctime_sec = static_cast<uint64_t>(attributes.change_time.seconds);
    stat.st_ctime_nsec = attributes.change_time.nanoseconds;
    return {};
}

InodeFile* InodeFile::create(RefPtr<vfs::Location> location, uint32_t flags) {
    return new InodeFile(move(location), flags);
}

InodeFile::InodeFile(RefPtr<vfs::Location> location, uint32_t flags)
    : m_location(move(location)), m_access_mode(flags & o_accmode), m_path_only(flags & o_path) {
    // x86-64 Linux opens every file O_LARGEFILE (force_o_largefile), and F_GETFL shows it.
    m_status_flags =
        m_path_only ? o_path : (flags & (settable_status_flags | o_sync)) | o_largefile;
}

InodeFile::~InodeFile() {
    locking::file_closed(this, m_location->inode());
}

ErrorOr<size_t> InodeFile::read_at(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (!is_readable())
        return EBADF;
    vfs::Inode& file = m_location->inode();
    if (file.type() == vfs::NodeType::Directory)
        return EISDIR;
    if (offset > max_offset)
        return EINVAL;
    return file.read(offset, buffer, length);
}

ErrorOr<size_t> InodeFile::write_at(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (!is_writable())
        return EBADF;
    vfs::Inode& file = m_location->inode();
    if (offset > max_offset)
        return EINVAL;
    if (m_status_flags & o_append) {
        vfs::Attributes attributes;
        TRY(file.attributes(attributes));
        offset = attributes.size;
    }
    return file.write(offset, buffer, length);
}

ErrorOr<size_t> InodeFile::read(uint64_t user_buffer, size_t length) {
    size_t done = TRY(read_at(m_position, vfs::IoBuffer::user(user_buffer), length));
    m_position += done;
    return done;
}

ErrorOr<size_t> InodeFile::write(uint64_t user_buffer, size_t length) {
    if (!is_writable())
        return EBADF;
    if (m_status_flags & o_append) {
        vfs::Attributes attributes;
        TRY(m_location->inode().attributes(attributes));
        m_position = attributes.size;
    }
    size_t done =
        TRY(m_location->inode().write(m_position, vfs::IoBuffer::user(user_buffer), length));
    m_position += done;
    return done;
}

ErrorOr<uint64_t> InodeFile::seek(int64_t offset, int whence) {
    if (m_path_only)
        return EBADF;
    vfs::Inode& file = m_location->inode();
    if (file.type() == vfs::NodeType::Directory) {
        // A directory's position is a cookie: set or moved, never from the end (tmpfs's
        // dcache_dir_lseek).
        int64_t base = whence == seek_set   ? 0
                       : whence == seek_cur ? static_cast<int64_t>(m_position)
                                            : -1;
        if (base < 0)
            return EINVAL;
        int64_t target;
        if (__builtin_add_overflow(base, offset, &target) || target < 0)
            return EINVAL;
        m_position = static_cast<uint64_t>(target);
        return m_position;
    }
    vfs::Attributes attributes;
    TRY(file.attributes(attributes));
    int64_t size = static_cast<int64_t>(attributes.size);
    int64_t base;
    switch (whence) {
    case seek_set:
        base = 0;
        break;
    case seek_cur:
        base = static_cast<int64_t>(m_position);
        break;
    case seek_end:
        base = size;
        break;
    case seek_data:
    case seek_hole:
        if (offset < 0 || offset >= size)
            return ENXIO;
        m_position = TRY(file.seek_hole_data(static_cast<uint64_t>(offset), whence == seek_hole));
        return m_position;
    default:
        return EINVAL;
    }
    int64_t target;
    if (__builtin_add_overflow(base, offset, &target))
        return EOVERFLOW;
    if (target < 0)
        return EINVAL;
    m_position = static_cast<uint64_t>(target);
    return m_position;
}

ErrorOr<size_t> InodeFile::read_directory(uint64_t user_buffer, size_t length) {
    if (m_path_only)
        return EBADF;
    vfs::Inode& directory = m_location->inode();
    if (directory.type() != vfs::NodeType::Directory)
        return ENOTDIR;
    DirentWriter writer(user_buffer, length);
    uint64_t cookie = m_position;
    TRY(directory.read_directory(cookie, writer));
    m_position = cookie;
    if (writer.faulted() && writer.used() == 0)
        return EFAULT;
    // Not even one entry fits: getdents64(2) says EINVAL.
    if (writer.used() == 0) {
        struct Probe final : vfs::DirectoryVisitor {
            bool visit(const vfs::DirectoryEntry&) override {
                more = true;
                return false;
            }
            bool more = false;
        } probe;
        uint64_t again = cookie;
        TRY(directory.read_directory(again, probe));
        if (probe.more)
            return EINVAL;
    }
    return writer.used();
}

ErrorOr<void> InodeFile::stat(LinuxStat& stat) {
    return stat_inode(m_location->inode(), stat);
}

ErrorOr<long> InodeFile::ioctl(uint32_t, uint64_t) {
    return m_path_only ? ErrorOr<long>(EBADF) : ErrorOr<long>(ENOTTY);
}

size_t InodeFile::describe(char* buffer, size_t capacity) {
    auto length = m_location->absolute_path(buffer, capacity);
    return length.is_error() ? 0 : length.value();
}

uint32_t InodeFile::poll_events() {
    // poll(2): regular files and directories are always ready.
    return poll_event::in | poll_event::out | poll_event::read_normal | poll_event::write_normal;
}

} // namespace kernel
