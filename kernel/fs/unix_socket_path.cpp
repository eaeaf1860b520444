#include "fs/unix_socket_path.h"

#include "fs/vfs/vfs.h"

namespace kernel {

namespace {

// S_IFSOCK | 0777 less the default umask (022), as unix_bind_bsd asks of mknod.
constexpr uint32_t socket_mode = 0755;

} // namespace

ErrorOr<RefPtr<vfs::Inode>> create_socket_node(StringView path) {
    if (path.is_empty())
        return ENOENT;
    vfs::WalkResult place;
    TRY(vfs::file_tree().resolve_parent_at(nullptr, path, place));
    // "/", "." and ".." always exist; so does a name given with a trailing slash, or it
    // cannot be made (filename_create: ENOENT).
    if (place.last != vfs::LastComponent::Normal)
        return EADDRINUSE;
    vfs::Inode& directory = place.parent->inode();
    if (place.trailing_slash)
        return directory.lookup(place.last_name()).is_error() ? ENOENT : EADDRINUSE;
    auto created = directory.create(place.last_name(), vfs::NodeType::Socket, socket_mode, 0);
    if (created.is_error() && created.error().code() == EEXIST)
        return EADDRINUSE;
    return created;
}

ErrorOr<RefPtr<vfs::Inode>> find_socket_node(StringView path) {
    if (path.is_empty())
        return ENOENT;
    RefPtr<vfs::Inode> inode = TRY(vfs::resolve(path, true));
    // unix_find_bsd: a file that is not a socket refuses the connection.
    if (inode->type() != vfs::NodeType::Socket)
        return ECONNREFUSED;
    return inode;
}

} // namespace kernel
