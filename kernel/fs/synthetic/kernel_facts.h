// The running kernel's answers to what /proc and /sys ask (system_facts.h).
#pragma once

#include "fs/synthetic/system_facts.h"

namespace kernel {
struct Manifest;
class AddressSpace;
} // namespace kernel

namespace kernel::synthetic {

// `manifest` (argv, environment) and `space` outlive the program.
const SystemFacts& kernel_facts(const Manifest& manifest, const AddressSpace& space);

} // namespace kernel::synthetic
