// Linux's answers for what an inode does not support (see inode.h).
#include "fs/vfs/inode.h"

namespace kernel::vfs {

namespace {

// A change on a read-only file system is EROFS whatever the operation; otherwise the
// operation's own answer.
Errno unless_read_only(FileSystem& file_system, Errno otherwise) {
    return file_system.is_read_only() ? EROFS : otherwise;
}

} // namespace

ErrorOr<void> Inode::change_attributes(const AttributeChange&) {
    return unless_read_only(file_system(), EPERM);
}

ErrorOr<RefPtr<Inode>> Inode::lookup(StringView) {
    return type() == NodeType::Directory ? ENOENT : ENOTDIR;
}

ErrorOr<RefPtr<Inode>> Inode::create(StringView, NodeType, uint32_t, uint64_t) {
    return type() == NodeType::Directory ? unless_read_only(file_system(), EPERM) : ENOTDIR;
}

ErrorOr<RefPtr<Inode>> Inode::create_symlink(StringView, StringView) {
    return type() == NodeType::Directory ? unless_read_only(file_system(), EPERM) : ENOTDIR;
}

ErrorOr<void> Inode::link(StringView, Inode&) {
    return type() == NodeType::Directory ? unless_read_only(file_system(), EPERM) : ENOTDIR;
}

ErrorOr<void> Inode::remove(StringView, bool) {
    return type() == NodeType::Directory ? unless_read_only(file_system(), EPERM) : ENOTDIR;
}

ErrorOr<void> Inode::rename(StringView, Inode&, StringView, uint32_t) {
    return type() == NodeType::Directory ? unless_read_only(file_system(), EPERM) : ENOTDIR;
}

ErrorOr<void> Inode::read_directory(uint64_t&, DirectoryVisitor&) {
    return ENOTDIR;
}

ErrorOr<size_t> Inode::read(uint64_t, IoBuffer, size_t) {
    return type() == NodeType::Directory ? EISDIR : EINVAL;
}

ErrorOr<size_t> Inode::write(uint64_t, IoBuffer, size_t) {
    if (type() == NodeType::Directory)
        return EISDIR;
    return unless_read_only(file_system(), EINVAL);
}

ErrorOr<void> Inode::sync() {
    return {};
}

ErrorOr<PhysicalAddress> Inode::page(uint64_t, bool) {
    return ENODEV;
}

ErrorOr<uint64_t> Inode::seek_hole_data(uint64_t offset, bool hole) {
    Attributes file;
    TRY(attributes(file));
    if (offset >= file.size)
        return ENXIO;
    return hole ? file.size : offset;
}

ErrorOr<uint32_t> Inode::seals() {
    return EINVAL;
}

ErrorOr<void> Inode::add_seals(uint32_t) {
    return EINVAL;
}

ErrorOr<size_t> Inode::read_link(char*, size_t) {
    return EINVAL;
}

ErrorOr<File*> Inode::open_special(uint32_t) {
    return static_cast<File*>(nullptr);
}

ErrorOr<void> FileSystem::statistics(FileSystemStatistics& statistics) {
    statistics = {};
    return {};
}

} // namespace kernel::vfs
