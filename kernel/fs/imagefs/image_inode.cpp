#include "fs/imagefs/image_inode.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::imagefs {

namespace {

// What stat shows as a directory's size: one block, as ext4 and squashfs show small ones.
constexpr uint64_t directory_size = abi::page_size;

// Names compare bytewise, shorter first on a tie, as the builder sorts them (std::string's <).
int compare(StringView a, StringView b) {
    int order = memcmp(a.data, b.data, min(a.length, b.length));
    if (order != 0)
        return order;
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

// Entries "." and ".." come first; the directory's own entries follow from cookie 2.
constexpr uint64_t first_entry_cookie = 2;

} // namespace

ImageInode::ImageInode(RefPtr<ImageFileSystem> file_system, uint32_t index,
                       const abi::ImageFsInode& raw)
    : m_file_system(move(file_system)), m_index(index), m_raw(raw) {}

ImageInode::~ImageInode() {
    m_file_system->forget(m_index);
}

vfs::NodeType ImageInode::type() const {
    return vfs::NodeType(m_raw.mode & vfs::type_mask);
}

ErrorOr<void> ImageInode::attributes(vfs::Attributes& attributes) {
    attributes = {};
    attributes.inode = uint64_t(m_index) + 1; // 0 is no inode to readdir and ls
    attributes.mode = m_raw.mode;
    attributes.link_count = m_raw.link_count;
    attributes.uid = m_raw.uid;
    attributes.gid = m_raw.gid;
    attributes.size = type() == vfs::NodeType::Directory ? directory_size : m_raw.size;
    attributes.blocks = align_up(attributes.size, 512) / 512;
    attributes.block_size = abi::page_size;
    vfs::Timestamp time{m_raw.mtime_seconds, min(m_raw.mtime_nanoseconds, 999999999u)};
    attributes.access_time = attributes.modify_time = attributes.change_time = time;
    return {};
}

ErrorOr<RefPtr<vfs::Inode>> ImageInode::lookup(StringView name) {
    if (type() != vfs::NodeType::Directory)
        return ENOTDIR;
    uint64_t low = 0, high = m_raw.size;
    while (low < high) {
        uint64_t middle = low + (high - low) / 2;
        StringView candidate;
        uint32_t child = TRY(m_file_system->entry(m_raw.offset + middle, candidate));
        int order = compare(name, candidate);
        if (order == 0)
            return RefPtr<vfs::Inode>(TRY(m_file_system->inode(child)));
        if (order < 0)
            high = middle;
        else
            low = middle + 1;
    }
    return ENOENT;
}

ErrorOr<void> ImageInode::read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) {
    if (type() != vfs::NodeType::Directory)
        return ENOTDIR;
    while (cookie < first_entry_cookie + m_raw.size) {
        vfs::DirectoryEntry entry{};
        entry.next = cookie + 1;
        if (cookie < first_entry_cookie) {
            entry.name = cookie == 0 ? StringView(".", 1) : StringView("..", 2);
            entry.inode = uint64_t(cookie == 0 ? m_index : m_raw.parent) + 1;
            entry.type = vfs::NodeType::Directory;
        } else {
            uint32_t child =
                TRY(m_file_system->entry(m_raw.offset + cookie - first_entry_cookie, entry.name));
            auto raw = TRY(m_file_system->raw_inode(child));
            entry.inode = uint64_t(child) + 1;
            entry.type = vfs::NodeType(raw.mode & vfs::type_mask);
        }
        if (!visitor.visit(entry))
            return {};
        cookie = entry.next;
    }
    return {};
}

ErrorOr<size_t> ImageInode::read(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (type() != vfs::NodeType::Regular)
        return vfs::Inode::read(offset, buffer, length);
    if (offset >= m_raw.size)
        return size_t(0);
    size_t count = size_t(min(uint64_t(length), m_raw.size - offset));
    TRY(buffer.write(0, m_file_system->bytes() + m_raw.offset + offset, count));
    return count;
}

ErrorOr<PhysicalAddress> ImageInode::page(uint64_t offset, bool writable) {
    if (type() != vfs::NodeType::Regular || !(m_raw.flags & abi::image_fs_in_place))
        return ENODEV;
    if (writable)
        return EROFS;
    if (!is_aligned(offset, abi::page_size))
        return EINVAL;
    // The builder pads an in-place file's last page with zeros inside the section, so a
    // mapping shows zeros past the end as mmap(2) says; a page that would reach past the
    // section is refused.
    if (offset >= align_up(m_raw.size, abi::page_size) ||
        m_raw.offset + offset + abi::page_size > m_file_system->superblock().total_size)
        return ENXIO;
    return m_file_system->physical() + m_raw.offset + offset;
}

ErrorOr<size_t> ImageInode::read_link(char* buffer, size_t capacity) {
    if (type() != vfs::NodeType::Symlink)
        return EINVAL;
    size_t count = size_t(min(uint64_t(capacity), m_raw.size));
    memcpy(buffer, m_file_system->bytes() + m_file_system->superblock().names_offset + m_raw.offset,
           count);
    return count;
}

} // namespace kernel::imagefs
