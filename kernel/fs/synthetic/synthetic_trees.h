// The three synthetic file systems, built whole: null when memory ran out while building.
#pragma once

#include "fs/synthetic/synthetic_file_system.h"

namespace kernel::synthetic {

// /proc: the process (pid and self), the machine's files, /proc/sys's few values.
RefPtr<SyntheticFileSystem> make_proc_file_system(const SystemFacts& facts, FileOpener& opener);
// /dev: the character devices, the standard streams' links, and /dev/shm as a mount point.
RefPtr<SyntheticFileSystem> make_dev_file_system(const SystemFacts& facts, FileOpener& opener);
// /sys: the CPUs online and possible, transparent huge pages' setting. Read-only.
RefPtr<SyntheticFileSystem> make_sys_file_system(const SystemFacts& facts, FileOpener& opener);

} // namespace kernel::synthetic
