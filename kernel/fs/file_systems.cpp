#include "fs/file_systems.h"

#include "fs/empty_file_system.h"
#include "fs/overlay/overlay.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/vfs.h"
#include "mm/frame_allocator.h"
#include "time/clock.h"

namespace kernel {

namespace {

constexpr uint32_t root_mode = 0755;
constexpr uint32_t tmp_mode = 01777;
// What the writable layer leaves to the kernel (its heap, page tables, socket buffers): 1/16
// of memory, and at least 1 MiB. More as a floor (it was 4 MiB) would refuse a small guest
// the few pages of /etc/hosts and the rest at boot, so a C hello needed 6.25 MiB of --mem.
constexpr size_t minimum_reserve_frames = 256;

// Lives as long as the kernel: the reference taken at start is never given back.
tmpfs::TmpFileSystem* anonymous = nullptr;

vfs::Timestamp wall_clock() {
    uint64_t now = clock::realtime_ns();
    return {static_cast<int64_t>(now / clock::ns_per_second),
            static_cast<uint32_t>(now % clock::ns_per_second)};
}

} // namespace

ErrorOr<void> start_file_systems(RefPtr<vfs::FileSystem> image) {
    RefPtr<vfs::FileSystem> lower = move(image);
    if (!lower)
        lower = EmptyFileSystem::create();
    if (!lower)
        return ENOMEM;
    FrameAllocator& frames = frame_allocator();
    size_t reserve = max(frames.total_frames() / 16, minimum_reserve_frames);
    auto upper = tmpfs::TmpFileSystem::create(frames, reserve, wall_clock, root_mode);
    if (!upper)
        return ENOMEM;
    auto root = overlay::OverlayFileSystem::create(lower, upper);
    if (!root)
        return ENOMEM;
    auto unnamed = tmpfs::TmpFileSystem::create(frames, reserve, wall_clock, root_mode);
    if (!unnamed)
        return ENOMEM;
    unnamed->make_files_sealable(); // memfd_create(2)'s files
    anonymous = unnamed.leak();
    TRY(vfs::mount(root, "/"));
    auto tmp = TRY(vfs::make_directories("/tmp", tmp_mode));
    // make_directories leaves an existing /tmp as the image has it; Linux's is always 1777.
    vfs::AttributeChange sticky;
    sticky.fields = vfs::AttributeChange::Mode;
    sticky.mode = tmp_mode;
    return tmp->change_attributes(sticky);
}

vfs::Inode* anonymous_files() {
    return anonymous ? anonymous->root().get() : nullptr;
}

} // namespace kernel
