// What a kernel built without the volumes component (abi::component_volumes) has in its place:
// no 9P client, virtio-9p devices left alone, and a boot that stops when the VM was given a
// volume all the same (plain QEMU: `ingot run` refuses first), for the program would write
// what it meant for the volume into memory, and lose it.
#include "components/missing_component.h"
#include "drivers/probe.h"
#include "fs/p9/mount_volumes.h"
#include "platform/hvt/hvt_volume_transport.h"
#include "platform/pvh/pvh_volumes.h"

#include <ingot/abi/components.h>

namespace kernel {

namespace {

bool volumes_given;

} // namespace

namespace drivers {

bool start_p9_device(virtio::Transport&, const char*, bool) {
    return false;
}

size_t p9_device_count() {
    return 0;
}

virtio::P9Device* p9_device(size_t) {
    return nullptr;
}

} // namespace drivers

namespace hvt {

void start_volumes(const abi::VolumeTable& table) {
    volumes_given |= table.count != 0;
}

} // namespace hvt

namespace pvh {

void find_volumes(const CommandLine& command_line) {
    volumes_given |= command_line.volume_count != 0;
}

} // namespace pvh

namespace p9 {

ErrorOr<void> mount_volumes() {
    if (!volumes_given)
        return {};
    return component_missing(abi::component_volumes, "mounting the VM's volumes");
}

} // namespace p9

} // namespace kernel
