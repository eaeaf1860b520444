// The image's own file system, from the payload's file-system section (loader/payload.h), for
// the boot code that mounts it under the writable layer.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/ref_counted.h"

namespace kernel::imagefs {

// Opened on the first call and kept for the kernel's life. Null when the image has none (a
// static program built without --add or --rootfs) or when its section is malformed (said once
// in the kernel's log).
RefPtr<vfs::FileSystem> image_file_system();

} // namespace kernel::imagefs
