// The volumes the platform found while starting its devices (hvt: BootInfo::volumes; pvh:
// virtio-9p devices matched to `ingot.volume=` options), for the boot to mount once the file
// system tree is up. Boot-time only, single-threaded.
#pragma once

#include "fs/p9/transport.h"
#include "lib/string_view.h"

#include <ingot/abi/volumes.h>

#include <stddef.h>

namespace kernel::p9 {

struct Volume {
    Transport* transport;
    char path[abi::volume_path_capacity];
    size_t path_length;
    bool read_only;

    StringView guest_path() const { return {path, path_length}; }
};

// Records a volume; false when the list is full or the path does not fit (the caller logs).
bool add_volume(Transport& transport, StringView guest_path, bool read_only);
size_t volume_count();
const Volume& volume(size_t index);

} // namespace kernel::p9
