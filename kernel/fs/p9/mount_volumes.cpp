#include "fs/p9/mount_volumes.h"

#include "components/component.h"
#include "fs/p9/p9_file_system.h"
#include "fs/p9/volume_list.h"
#include "fs/vfs/vfs.h"
#include "lib/log.h"
#include "lib/string.h"

namespace kernel::p9 {

namespace {

constexpr uint32_t mount_point_mode = 0755;

ErrorOr<void> mount_one(const Volume& volume) {
    auto file_system = TRY(P9FileSystem::connect(*volume.transport, volume.read_only));
    TRY(vfs::make_directories(volume.guest_path(), mount_point_mode));
    return vfs::mount(file_system, volume.guest_path());
}

} // namespace

ErrorOr<void> mount_volumes() {
    for (size_t i = 0; i < volume_count(); ++i) {
        const Volume& entry = volume(i);
        if (auto mounted = mount_one(entry); mounted.is_error()) {
            char path[abi::volume_path_capacity + 1] = {};
            memcpy(path, entry.path, entry.path_length);
            klog("volume %zu on %s could not be mounted (%s)", i, path,
                 errno_name(mounted.error().code()));
            return mounted.error();
        }
    }
    return {};
}

INGOT_COMPONENT(abi::component_volumes);

} // namespace kernel::p9
