// What a container runtime provides, at boot: /dev, /proc and /sys mounted, and /etc's hosts,
// hostname and resolv.conf (always, as Docker writes them) and passwd and group (where the
// image carries none) written into the root file system.
#pragma once

#include "lib/error_or.h"

namespace kernel {
struct Manifest;
class AddressSpace;
} // namespace kernel

namespace kernel {

// After the root file system is mounted and the network is configured (resolv.conf and hosts
// need the DHCP lease), before the program loads. `manifest` and `space` outlive the program.
ErrorOr<void> start_synthetic_file_systems(const Manifest& manifest, const AddressSpace& space);

} // namespace kernel
