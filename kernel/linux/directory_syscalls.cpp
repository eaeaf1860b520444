// The calls that change names: mkdir(at), mknod(at), unlink(at), rmdir, rename(at)(2),
// link(at), symlink(at); and the working directory: chdir, fchdir, getcwd; and umask.
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "linux/path_arguments.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr uint32_t rename_whiteout = 4;
constexpr uint32_t creation_permissions = 01777; // S_IRWXUGO | S_ISVTX: what mkdir keeps

// Every component but the last of `path` from `directory`.
ErrorOr<void> walk_to_parent(int directory, UserString path, vfs::WalkResult& result) {
    UserPath text;
    TRY(text.copy(path));
    if (text.is_empty())
        return ENOENT;
    auto base = TRY(at_base(directory, text.view()));
    return vfs::file_tree().resolve_parent_at(base.get(), text.view(), result);
}

// A new name for something other than a directory, written with a trailing slash: EEXIST when
// taken, ENOENT otherwise (filename_create: "you had / on the end").
ErrorOr<void> refuse_trailing_slash(const vfs::WalkResult& walk) {
    if (!walk.trailing_slash)
        return {};
    auto existing = walk.parent->inode().lookup(walk.last_name());
    return existing.is_error() ? ENOENT : EEXIST;
}

ErrorOr<long> make_directory(int directory, UserString path, unsigned mode) {
    vfs::WalkResult walk;
    TRY(walk_to_parent(directory, path, walk));
    if (walk.last != vfs::LastComponent::Normal)
        return EEXIST;
    uint32_t permissions = mode & creation_permissions & ~file_creation_mask();
    TRY(walk.parent->inode().create(walk.last_name(), vfs::NodeType::Directory, permissions, 0));
    return 0;
}

ErrorOr<long> make_node(int directory, UserString path, unsigned mode, unsigned device) {
    uint32_t type = mode & vfs::type_mask;
    vfs::NodeType node;
    switch (type) {
    case 0:
    case static_cast<uint32_t>(vfs::NodeType::Regular):
        node = vfs::NodeType::Regular;
        break;
    case static_cast<uint32_t>(vfs::NodeType::Fifo):
    case static_cast<uint32_t>(vfs::NodeType::Socket):
    case static_cast<uint32_t>(vfs::NodeType::CharacterDevice):
    case static_cast<uint32_t>(vfs::NodeType::BlockDevice):
        node = static_cast<vfs::NodeType>(type);
        break;
    case static_cast<uint32_t>(vfs::NodeType::Directory):
        return EPERM;
    default:
        return EINVAL;
    }
    vfs::WalkResult walk;
    TRY(walk_to_parent(directory, path, walk));
    if (walk.last != vfs::LastComponent::Normal)
        return EEXIST;
    TRY(refuse_trailing_slash(walk));
    uint32_t permissions = mode & vfs::permission_mask & ~file_creation_mask();
    TRY(walk.parent->inode().create(walk.last_name(), node, permissions, device));
    return 0;
}

ErrorOr<long> unlink_at(int directory, UserString path) {
    vfs::WalkResult walk;
    TRY(walk_to_parent(directory, path, walk));
    if (walk.last != vfs::LastComponent::Normal)
        return EISDIR;
    vfs::Inode& parent = walk.parent->inode();
    auto child = TRY(parent.lookup(walk.last_name()));
    if (walk.trailing_slash)
        return child->type() == vfs::NodeType::Directory ? EISDIR : ENOTDIR;
    if (vfs::file_tree().is_mount_point(*child))
        return EBUSY;
    TRY(parent.remove(walk.last_name(), false));
    return 0;
}

ErrorOr<long> remove_directory(int directory, UserString path) {
    vfs::WalkResult walk;
    TRY(walk_to_parent(directory, path, walk));
    switch (walk.last) {
    case vfs::LastComponent::Dot:
        return EINVAL;
    case vfs::LastComponent::DotDot:
        return ENOTEMPTY;
    case vfs::LastComponent::Root:
        return EBUSY;
    case vfs::LastComponent::Normal:
        break;
    }
    vfs::Inode& parent = walk.parent->inode();
    auto child = TRY(parent.lookup(walk.last_name()));
    if (child->type() != vfs::NodeType::Directory)
        return ENOTDIR;
    if (vfs::file_tree().is_mount_point(*child))
        return EBUSY;
    TRY(parent.remove(walk.last_name(), true));
    return 0;
}

ErrorOr<long> rename_at(int old_directory, UserString old_path, int new_directory,
                        UserString new_path, unsigned flags) {
    if (flags & ~(vfs::rename_noreplace | vfs::rename_exchange | rename_whiteout))
        return EINVAL;
    if ((flags & vfs::rename_exchange) && (flags & (vfs::rename_noreplace | rename_whiteout)))
        return EINVAL;
    if (flags & rename_whiteout)
        return EINVAL; // RENAME_WHITEOUT is for overlay file systems built by the program
    vfs::WalkResult from, to;
    TRY(walk_to_parent(old_directory, old_path, from));
    TRY(walk_to_parent(new_directory, new_path, to));
    if (from.last != vfs::LastComponent::Normal)
        return EBUSY;
    if (to.last != vfs::LastComponent::Normal)
        return (flags & vfs::rename_noreplace) ? EEXIST : EBUSY;
    vfs::Inode& old_parent = from.parent->inode();
    vfs::Inode& new_parent = to.parent->inode();
    if (&old_parent.file_system() != &new_parent.file_system())
        return EXDEV;
    auto moving = TRY(old_parent.lookup(from.last_name()));
    if (moving->type() != vfs::NodeType::Directory && (from.trailing_slash || to.trailing_slash))
        return ENOTDIR;
    if (vfs::file_tree().is_mount_point(*moving))
        return EBUSY;
    auto replaced = new_parent.lookup(to.last_name());
    if (!replaced.is_error() && vfs::file_tree().is_mount_point(*replaced.value()))
        return EBUSY;
    TRY(old_parent.rename(from.last_name(), new_parent, to.last_name(), flags));
    return 0;
}

ErrorOr<long> link_at(int old_directory, UserString old_path, int new_directory,
                      UserString new_path, int flags) {
    if (flags & ~(at_symlink_follow | at_empty_path))
        return EINVAL;
    auto target = TRY(resolve_user_path(old_directory, old_path, flags & at_symlink_follow,
                                        flags & at_empty_path));
    if (target->inode().type() == vfs::NodeType::Directory)
        return EPERM;
    vfs::WalkResult walk;
    TRY(walk_to_parent(new_directory, new_path, walk));
    if (walk.last != vfs::LastComponent::Normal)
        return EEXIST;
    TRY(refuse_trailing_slash(walk));
    vfs::Inode& parent = walk.parent->inode();
    if (&parent.file_system() != &target->inode().file_system())
        return EXDEV;
    TRY(parent.link(walk.last_name(), target->inode()));
    return 0;
}

ErrorOr<long> symlink_at(UserString user_target, int directory, UserString path) {
    UserPath target;
    TRY(target.copy(user_target));
    if (target.is_empty())
        return ENOENT;
    vfs::WalkResult walk;
    TRY(walk_to_parent(directory, path, walk));
    if (walk.last != vfs::LastComponent::Normal)
        return EEXIST;
    TRY(refuse_trailing_slash(walk));
    TRY(walk.parent->inode().create_symlink(walk.last_name(), target.view()));
    return 0;
}

ErrorOr<long> change_directory(RefPtr<vfs::Location> place) {
    if (place->inode().type() != vfs::NodeType::Directory)
        return ENOTDIR;
    vfs::file_tree().set_working_directory(move(place));
    return 0;
}

} // namespace

ErrorOr<long> sys_mkdir(UserString path, unsigned mode) {
    return make_directory(at_fdcwd, path, mode);
}

ErrorOr<long> sys_mkdirat(int directory, UserString path, unsigned mode) {
    return make_directory(directory, path, mode);
}

ErrorOr<long> sys_mknod(UserString path, unsigned mode, unsigned device) {
    return make_node(at_fdcwd, path, mode, device);
}

ErrorOr<long> sys_mknodat(int directory, UserString path, unsigned mode, unsigned device) {
    return make_node(directory, path, mode, device);
}

ErrorOr<long> sys_unlink(UserString path) {
    return unlink_at(at_fdcwd, path);
}

ErrorOr<long> sys_unlinkat(int directory, UserString path, int flags) {
    if (flags & ~at_removedir)
        return EINVAL;
    return (flags & at_removedir) ? remove_directory(directory, path) : unlink_at(directory, path);
}

ErrorOr<long> sys_rmdir(UserString path) {
    return remove_directory(at_fdcwd, path);
}

ErrorOr<long> sys_rename(UserString old_path, UserString new_path) {
    return rename_at(at_fdcwd, old_path, at_fdcwd, new_path, 0);
}

ErrorOr<long> sys_renameat(int old_directory, UserString old_path, int new_directory,
                           UserString new_path) {
    return rename_at(old_directory, old_path, new_directory, new_path, 0);
}

ErrorOr<long> sys_renameat2(int old_directory, UserString old_path, int new_directory,
                            UserString new_path, unsigned flags) {
    return rename_at(old_directory, old_path, new_directory, new_path, flags);
}

ErrorOr<long> sys_link(UserString old_path, UserString new_path) {
    return link_at(at_fdcwd, old_path, at_fdcwd, new_path, 0);
}

ErrorOr<long> sys_linkat(int old_directory, UserString old_path, int new_directory,
                         UserString new_path, int flags) {
    return link_at(old_directory, old_path, new_directory, new_path, flags);
}

ErrorOr<long> sys_symlink(UserString target, UserString path) {
    return symlink_at(target, at_fdcwd, path);
}

ErrorOr<long> sys_symlinkat(UserString target, int directory, UserString path) {
    return symlink_at(target, directory, path);
}

ErrorOr<long> sys_chdir(UserString path) {
    return change_directory(TRY(resolve_user_path(at_fdcwd, path, true)));
}

ErrorOr<long> sys_fchdir(int fd) {
    InodeFile* file = TRY(inode_file(fd, ENOTDIR));
    return change_directory(RefPtr<vfs::Location>(file->location()));
}

ErrorOr<long> sys_getcwd(UserPointer buffer, size_t size) {
    struct PathText {
        char* text = new char[vfs::path_max];
        ~PathText() { delete[] text; }
    } path;
    if (!path.text)
        return ENOMEM;
    auto directory = vfs::file_tree().working_directory();
    // Linux's getcwd: ENOENT once the directory was removed (d_unlinked), its last link gone.
    vfs::Attributes attributes;
    TRY(directory->inode().attributes(attributes));
    if (attributes.link_count == 0)
        return ENOENT;
    size_t length = TRY(directory->absolute_path(path.text, vfs::path_max - 1));
    if (length + 1 > size)
        return ERANGE;
    path.text[length] = '\0';
    TRY(copy_to_user(buffer.address, path.text, length + 1));
    return static_cast<long>(length + 1);
}

ErrorOr<long> sys_umask(unsigned mask) {
    return static_cast<long>(set_file_creation_mask(mask));
}

} // namespace kernel
