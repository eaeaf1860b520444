#include "fs/imagefs/payload_file_system.h"

#include "fs/imagefs/image_file_system.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "loader/payload.h"
#include "mm/physical_memory.h"

namespace kernel::imagefs {

namespace {

// One reference held for the kernel's life (no static destructors in the kernel).
vfs::FileSystem* opened = nullptr;
bool tried = false;

} // namespace

RefPtr<vfs::FileSystem> image_file_system() {
    if (tried)
        return opened;
    tried = true;
    uint64_t payload_physical;
    const auto* payload = find_payload(payload_physical);
    if (!payload || payload->filesystem_size == 0)
        return nullptr;
    // The host checked this layout before boot, but a boot through plain QEMU skips the host.
    uint64_t end;
    if (!range_end(payload->filesystem_offset, payload->filesystem_size, end) ||
        end > payload->total_size) {
        klog("the image's file system lies outside its payload: not mounted");
        return nullptr;
    }
    uint64_t physical = payload_physical + payload->filesystem_offset;
    auto file_system =
        open(physical_to_kernel<const uint8_t>(physical), payload->filesystem_size, physical);
    if (file_system.is_error()) {
        klog("the image's file system is malformed (%s): not mounted",
             errno_name(file_system.error().code()));
        return nullptr;
    }
    opened = file_system.release_value().leak();
    return opened;
}

} // namespace kernel::imagefs
