// The open files of /dev's devices and of /proc's and /sys's generated files: the kernel's
// FileOpener for the synthetic file systems.
#pragma once

#include "fs/synthetic/file_opener.h"

namespace kernel::synthetic {

FileOpener& kernel_file_opener();

} // namespace kernel::synthetic
