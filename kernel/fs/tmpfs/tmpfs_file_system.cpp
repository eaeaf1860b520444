#include "fs/tmpfs/tmpfs.h"

#include "mm/frame_allocator.h"

namespace kernel::tmpfs {

RefPtr<TmpFileSystem> TmpFileSystem::create(FrameAllocator& frames, size_t reserve_frames,
                                            Clock clock, uint32_t root_mode) {
    auto file_system =
        RefPtr<TmpFileSystem>::adopt(new TmpFileSystem(frames, reserve_frames, clock));
    if (!file_system)
        return nullptr;
    auto root = make_ref<TmpInode>(*file_system, vfs::NodeType::Directory,
                                   root_mode & vfs::permission_mask, 0);
    if (!root)
        return nullptr;
    root->m_link_count = 2;
    file_system->m_root = move(root);
    return file_system;
}

TmpFileSystem::TmpFileSystem(FrameAllocator& frames, size_t reserve_frames, Clock clock)
    : m_frames(frames), m_reserve_frames(reserve_frames), m_clock(clock) {}

// The tree goes with its root (directories hold their entries); an inode still referred to
// elsewhere must not outlive this: the kernel never unmounts a tmpfs.
TmpFileSystem::~TmpFileSystem() = default;

RefPtr<vfs::Inode> TmpFileSystem::root() {
    return m_root;
}

ErrorOr<PhysicalAddress> TmpFileSystem::allocate_page() {
    if (m_frames.free_frames() <= m_reserve_frames)
        return ENOSPC;
    auto page = m_frames.allocate(Zeroed::Yes);
    if (page.is_error())
        return ENOSPC;
    ++m_pages_used;
    return page.value();
}

void TmpFileSystem::free_page(PhysicalAddress page) {
    m_frames.free(page);
    --m_pages_used;
}

ErrorOr<void> TmpFileSystem::statistics(vfs::FileSystemStatistics& statistics) {
    statistics = {};
    statistics.type = tmpfs_magic;
    statistics.block_size = 4096;
    size_t free_frames = m_frames.free_frames();
    uint64_t available = free_frames > m_reserve_frames ? free_frames - m_reserve_frames : 0;
    statistics.blocks = m_pages_used + available;
    statistics.free_blocks = available;
    statistics.available_blocks = available;
    // Inodes cost kernel heap, which shares the frames: as many as pages could hold.
    statistics.files = m_inode_count + available;
    statistics.free_files = available;
    statistics.name_length = vfs::name_max;
    return {};
}

} // namespace kernel::tmpfs
