// The running kernel's answers to what /proc and /sys ask (system_facts.h).
#pragma once

#include "fs/synthetic/system_facts.h"

namespace kernel {
struct Manifest;
class AddressSpace;
} // namespace kernel

namespace kernel::synthetic {

// One mounted file system for /proc/self/mountinfo: the VFS keeps no list it could walk, so
// the synthetic file systems' start-up records what it mounts (and "/" before them).
void record_mount(const MountFacts& mount);

// `manifest` (argv, environment) and `space` outlive the program.
const SystemFacts& kernel_facts(const Manifest& manifest, const AddressSpace& space);

} // namespace kernel::synthetic
