#include "fs/imagefs/image_file_system.h"

#include "fs/imagefs/image_inode.h"
#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::imagefs {

namespace {

// Linux's ST_RDONLY, as statfs(2) reports a read-only mount.
constexpr uint64_t statfs_read_only = 1;

// [offset, offset + length) lies within [0, limit).
bool fits(uint64_t offset, uint64_t length, uint64_t limit) {
    uint64_t end;
    return range_end(offset, length, end) && end <= limit;
}

bool valid_type(uint32_t mode) {
    uint32_t type = mode & vfs::type_mask;
    return type == uint32_t(vfs::NodeType::Regular) || type == uint32_t(vfs::NodeType::Directory) ||
           type == uint32_t(vfs::NodeType::Symlink);
}

} // namespace

ErrorOr<RefPtr<ImageFileSystem>> ImageFileSystem::open(const uint8_t* bytes, size_t size,
                                                       PhysicalAddress physical) {
    abi::ImageFsSuperblock superblock;
    if (!bytes || size < sizeof superblock || !is_aligned(physical, abi::page_size))
        return EINVAL;
    memcpy(&superblock, bytes, sizeof superblock);
    if (superblock.magic != abi::image_fs_magic || superblock.version != abi::image_fs_version ||
        superblock.superblock_size != sizeof superblock || superblock.total_size != size ||
        superblock.inode_count == 0 ||
        !fits(superblock.inodes_offset,
              uint64_t(superblock.inode_count) * sizeof(abi::ImageFsInode), size) ||
        !fits(superblock.entries_offset,
              uint64_t(superblock.entry_count) * sizeof(abi::ImageFsEntry), size) ||
        !fits(superblock.names_offset, superblock.names_size, size))
        return EINVAL;
    auto** inodes = new ImageInode*[superblock.inode_count];
    if (!inodes)
        return ENOMEM;
    memset(inodes, 0, sizeof(ImageInode*) * superblock.inode_count);
    auto file_system = RefPtr<ImageFileSystem>::adopt(
        new ImageFileSystem(bytes, size, physical, superblock, inodes));
    if (!file_system) {
        delete[] inodes;
        return ENOMEM;
    }
    auto root = file_system->raw_inode(abi::image_fs_root_inode);
    if (root.is_error() ||
        (root.value().mode & vfs::type_mask) != uint32_t(vfs::NodeType::Directory))
        return EINVAL;
    return file_system;
}

ImageFileSystem::ImageFileSystem(const uint8_t* bytes, size_t size, PhysicalAddress physical,
                                 const abi::ImageFsSuperblock& superblock, ImageInode** inodes)
    : m_bytes(bytes), m_size(size), m_physical(physical), m_superblock(superblock),
      m_inodes(inodes) {}

ImageFileSystem::~ImageFileSystem() {
    delete[] m_inodes;
}

RefPtr<vfs::Inode> ImageFileSystem::root() {
    auto root = inode(abi::image_fs_root_inode);
    if (root.is_error())
        return nullptr;
    return root.release_value();
}

ErrorOr<void> ImageFileSystem::statistics(vfs::FileSystemStatistics& statistics) {
    statistics = {};
    statistics.type = abi::image_fs_statfs_type;
    statistics.block_size = abi::page_size;
    statistics.blocks = align_up(m_size, abi::page_size) / abi::page_size;
    statistics.files = m_superblock.inode_count;
    statistics.name_length = abi::image_fs_name_max;
    statistics.flags = statfs_read_only;
    return {};
}

ErrorOr<abi::ImageFsInode> ImageFileSystem::raw_inode(uint32_t index) const {
    if (index >= m_superblock.inode_count)
        return EIO;
    abi::ImageFsInode raw;
    memcpy(&raw, m_bytes + m_superblock.inodes_offset + uint64_t(index) * sizeof raw, sizeof raw);
    if (!valid_type(raw.mode))
        return EIO;
    switch (vfs::NodeType(raw.mode & vfs::type_mask)) {
    case vfs::NodeType::Regular:
        if (!fits(raw.offset, raw.size, m_size) ||
            ((raw.flags & abi::image_fs_in_place) && !is_aligned(raw.offset, abi::page_size)))
            return EIO;
        break;
    case vfs::NodeType::Symlink:
        // symlink(2): a target is 1 to PATH_MAX - 1 bytes.
        if (raw.size == 0 || raw.size >= vfs::path_max ||
            !fits(raw.offset, raw.size, m_superblock.names_size))
            return EIO;
        break;
    default:
        if (!fits(raw.offset, raw.size, m_superblock.entry_count) ||
            raw.parent >= m_superblock.inode_count)
            return EIO;
        break;
    }
    return raw;
}

ErrorOr<uint32_t> ImageFileSystem::entry(uint64_t index, StringView& name) const {
    if (index >= m_superblock.entry_count)
        return EIO;
    abi::ImageFsEntry raw;
    memcpy(&raw, m_bytes + m_superblock.entries_offset + index * sizeof raw, sizeof raw);
    if (raw.name_length == 0 || raw.name_length > abi::image_fs_name_max ||
        !fits(raw.name_offset, raw.name_length, m_superblock.names_size))
        return EIO;
    name = StringView(
        reinterpret_cast<const char*>(m_bytes + m_superblock.names_offset + raw.name_offset),
        raw.name_length);
    // A name the path walk could never produce would make the tree inconsistent.
    if (name == StringView(".", 1) || name == StringView("..", 2))
        return EIO;
    for (size_t i = 0; i < name.length; ++i) {
        if (name[i] == '/' || name[i] == '\0')
            return EIO;
    }
    return raw.inode;
}

ErrorOr<RefPtr<ImageInode>> ImageFileSystem::inode(uint32_t index) {
    if (index >= m_superblock.inode_count)
        return EIO;
    if (m_inodes[index])
        return RefPtr<ImageInode>(m_inodes[index]);
    auto raw = TRY(raw_inode(index));
    auto* made = new ImageInode(RefPtr<ImageFileSystem>(this), index, raw);
    if (!made)
        return ENOMEM;
    m_inodes[index] = made;
    return RefPtr<ImageInode>::adopt(made);
}

void ImageFileSystem::forget(uint32_t index) {
    m_inodes[index] = nullptr;
}

ErrorOr<RefPtr<vfs::FileSystem>> open(const uint8_t* bytes, size_t size, PhysicalAddress physical) {
    return RefPtr<vfs::FileSystem>(TRY(ImageFileSystem::open(bytes, size, physical)));
}

} // namespace kernel::imagefs
