#include "fs/unix_socket_path.h"

#include "fs/vfs/vfs.h"

namespace kernel {

namespace {

// S_IFSOCK | 0777 less the default umask (022), as unix_bind_bsd asks of mknod.
constexpr uint32_t socket_mode = 0755;

// The directory a new socket node goes in: "/", "." and ".." always exist; so does a name given
// with a trailing slash, or it cannot be made (filename_create: ENOENT).
ErrorOr<void> find_place(StringView path, vfs::WalkResult& place) {
    if (path.is_empty())
        return ENOENT;
    TRY(vfs::file_tree().resolve_parent_at(nullptr, path, place));
    if (place.last != vfs::LastComponent::Normal)
        return EADDRINUSE;
    if (place.trailing_slash)
        return place.parent->inode().lookup(place.last_name()).is_error() ? ENOENT : EADDRINUSE;
    return {};
}

} // namespace

ErrorOr<void> check_socket_node_free(StringView path) {
    vfs::WalkResult place;
    TRY(find_place(path, place));
    if (!place.parent->inode().lookup(place.last_name()).is_error())
        return EADDRINUSE;
    return {};
}

ErrorOr<RefPtr<vfs::Inode>> create_socket_node(StringView path) {
    vfs::WalkResult place;
    TRY(find_place(path, place));
    vfs::Inode& directory = place.parent->inode();
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
