// open(2), openat(2), creat(2) and close_range(2): a path becomes an open file.
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "fs/pipe.h"
#include "linux/path_arguments.h"
#include "linux/syscall_table.h"

namespace kernel {

namespace {

constexpr uint32_t o_creat = 0100, o_excl = 0200, o_trunc = 01000;
constexpr uint32_t o_directory = 0200000, o_nofollow = 0400000, o_cloexec = 02000000;
constexpr uint32_t o_tmpfile_only = 020000000; // __O_TMPFILE; O_TMPFILE adds O_DIRECTORY
constexpr uint32_t close_range_unshare = 2, close_range_cloexec = 4;

bool is_writing(uint32_t flags) {
    uint32_t mode = flags & o_accmode;
    return mode == o_wronly || mode == o_rdwr;
}

// open_tmpfile: a regular file with no name, in `directory`.
ErrorOr<RefPtr<vfs::Location>> make_unnamed_file(const RefPtr<vfs::Location>& directory,
                                                 uint32_t mode) {
    static uint64_t serial;
    char name[32] = "#ingot-tmpfile-";
    size_t length = 15;
    for (uint64_t value = ++serial; value; value /= 10)
        ++length;
    for (uint64_t value = serial, at = length; value; value /= 10)
        name[--at] = static_cast<char>('0' + value % 10);
    StringView unnamed(name, length);
    auto inode = TRY(directory->inode().create(unnamed, vfs::NodeType::Regular, mode, 0));
    TRY(directory->inode().remove(unnamed, false));
    auto location = vfs::Location::make(inode, directory, unnamed);
    if (!location)
        return ENOMEM;
    return location;
}

// The place `path` names for open: found, or made when O_CREAT allows (open(2)'s errors).
ErrorOr<RefPtr<vfs::Location>> find_or_create(vfs::Location* base, StringView path, uint32_t flags,
                                              uint32_t mode) {
    vfs::FileTree& tree = vfs::file_tree();
    if (flags & o_tmpfile_only) {
        auto directory = TRY(tree.resolve_at(base, path, true));
        if (directory->inode().type() != vfs::NodeType::Directory)
            return ENOTDIR;
        return make_unnamed_file(directory, mode & ~file_creation_mask() & vfs::permission_mask);
    }
    if (!(flags & o_creat)) {
        auto place = TRY(tree.resolve_at(base, path, !(flags & o_nofollow)));
        if (place->inode().type() == vfs::NodeType::Symlink && !(flags & o_path))
            return ELOOP; // O_NOFOLLOW on a link
        return place;
    }
    // O_CREAT|O_EXCL never follows a link in the last component: it must not exist at all.
    bool follow = !(flags & (o_nofollow | o_excl));
    vfs::WalkResult walk;
    TRY(tree.resolve_for_create_at(base, path, follow, walk));
    if (walk.last != vfs::LastComponent::Normal)
        return EISDIR;
    if (walk.target) {
        if (flags & o_excl)
            return EEXIST;
        if (walk.target->inode().type() == vfs::NodeType::Symlink)
            return ELOOP;
        if (walk.target->inode().type() == vfs::NodeType::Directory)
            return EISDIR;
        return move(walk.target);
    }
    if (walk.trailing_slash)
        return EISDIR;
    auto inode =
        TRY(walk.parent->inode().create(walk.last_name(), vfs::NodeType::Regular,
                                        mode & ~file_creation_mask() & vfs::permission_mask, 0));
    return tree.enter(walk.parent, walk.last_name(), move(inode));
}

ErrorOr<long> open_at(int directory, UserString user_path, uint32_t flags, uint32_t mode) {
    // O_TMPFILE needs O_DIRECTORY, no O_CREAT, and write access; O_CREAT|O_DIRECTORY is
    // EINVAL since Linux 6.4.
    if (flags & o_tmpfile_only) {
        if ((flags & (o_directory | o_creat)) != o_directory || !is_writing(flags))
            return EINVAL;
    } else if ((flags & (o_creat | o_directory)) == (o_creat | o_directory)) {
        return EINVAL;
    }
    // O_PATH keeps only what names the file (open(2)).
    if (flags & o_path)
        flags &= o_directory | o_nofollow | o_path | o_cloexec;
    UserPath path;
    TRY(path.copy(user_path));
    if (path.is_empty())
        return ENOENT;
    auto base = TRY(at_base(directory, path.view()));
    auto place = TRY(find_or_create(base.get(), path.view(), flags, mode));
    vfs::Inode& inode = place->inode();
    vfs::NodeType type = inode.type();
    if ((flags & o_directory) && !(flags & o_tmpfile_only) && type != vfs::NodeType::Directory)
        return ENOTDIR;
    uint32_t fd_flags = (flags & o_cloexec) ? fd_table::fd_cloexec : 0;
    if (!(flags & o_path)) {
        bool changes = is_writing(flags) || (flags & o_trunc);
        if (type == vfs::NodeType::Directory && changes)
            return EISDIR;
        if (changes && inode.file_system().is_read_only())
            return EROFS;
        File* special = TRY(inode.open_special(flags));
        if (special) {
            auto installed = fd_table::install(*special, 0, fd_flags);
            special->release();
            return as_syscall_result(move(installed));
        }
        if (type == vfs::NodeType::Fifo) {
            File* fifo = TRY(open_fifo(inode, flags));
            auto installed = fd_table::install(*fifo, 0, fd_flags);
            fifo->release();
            return as_syscall_result(move(installed));
        }
        // Devices without a driver and sockets have nothing to open.
        if (type != vfs::NodeType::Regular && type != vfs::NodeType::Directory)
            return ENXIO;
        if ((flags & o_trunc) && type == vfs::NodeType::Regular) {
            vfs::AttributeChange change;
            change.fields = vfs::AttributeChange::Size;
            change.size = 0;
            TRY(inode.change_attributes(change));
        }
    }
    InodeFile* file = InodeFile::create(move(place), flags);
    if (!file)
        return ENOMEM;
    auto installed = fd_table::install(*file, 0, fd_flags);
    file->release();
    return as_syscall_result(move(installed));
}

} // namespace

ErrorOr<long> sys_open(UserString path, int flags, unsigned mode) {
    return open_at(at_fdcwd, path, static_cast<uint32_t>(flags), mode);
}

ErrorOr<long> sys_openat(int directory, UserString path, int flags, unsigned mode) {
    return open_at(directory, path, static_cast<uint32_t>(flags), mode);
}

ErrorOr<long> sys_creat(UserString path, unsigned mode) {
    return open_at(at_fdcwd, path, o_creat | o_wronly | o_trunc, mode);
}

ErrorOr<long> sys_close_range(unsigned first, unsigned last, unsigned flags) {
    if (flags & ~(close_range_unshare | close_range_cloexec))
        return EINVAL;
    if (first > last)
        return EINVAL;
    // One process: nothing to unshare. Descriptors not open are skipped.
    for (int fd = fd_table::next_open(static_cast<int>(min(first, 0x7fffffffu)));
         fd >= 0 && static_cast<unsigned>(fd) <= last; fd = fd_table::next_open(fd + 1)) {
        if (flags & close_range_cloexec)
            TRY(fd_table::set_fd_flags(fd, fd_table::fd_cloexec));
        else
            TRY(fd_table::close(fd));
    }
    return 0;
}

} // namespace kernel
