// AF_UNIX names in the file system: bind makes a socket inode at the path, connect and sendto
// find the inode a path names (man 7 unix, "Pathname sockets").
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"
#include "lib/string_view.h"

namespace kernel {

// A new socket inode at `path`: EADDRINUSE when the path exists, the walk's errors (ENOENT,
// ENOTDIR, EROFS, ...) otherwise.
ErrorOr<RefPtr<vfs::Inode>> create_socket_node(StringView path);
// What create_socket_node would answer, without making the node: for a socket bound already,
// which Linux refuses with EINVAL only once the path was found free.
ErrorOr<void> check_socket_node_free(StringView path);
// The inode `path` names, following symbolic links: the walk's errors; ECONNREFUSED when it is
// not a socket.
ErrorOr<RefPtr<vfs::Inode>> find_socket_node(StringView path);

} // namespace kernel
