// The one tree every path names: file systems mounted on directories, and the walk that
// resolves a path through them (".." across mount points, symbolic links, ELOOP after 40).
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"
#include "lib/string_view.h"

namespace kernel::vfs {

// Mounts `file_system` on the directory at the absolute `path` ("/" first, before any other).
ErrorOr<void> mount(RefPtr<FileSystem> file_system, StringView path);

// An absolute path, or one relative to the working directory. Symbolic links are followed,
// in the last component too when `follow_last_link`.
ErrorOr<RefPtr<Inode>> resolve(StringView path, bool follow_last_link = true);

// Boot-time set-up (mount points, generated files under /etc): `mkdir -p` with `mode`, and a
// whole file written at once, replacing any file there.
ErrorOr<RefPtr<Inode>> make_directories(StringView path, uint32_t mode);
ErrorOr<void> write_file(StringView path, const void* contents, size_t length, uint32_t mode);

} // namespace kernel::vfs
