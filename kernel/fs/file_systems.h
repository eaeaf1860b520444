// The tree the program starts with: "/" is the image's file system under a writable tmpfs
// (the overlay), and /tmp is there, world-writable and sticky (1777) as on Linux.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"

namespace kernel {

// Before the program loads. `image` is the image's read-only file system; null when it carries
// none (an empty read-only directory stands in).
ErrorOr<void> start_file_systems(RefPtr<vfs::FileSystem> image);

} // namespace kernel
