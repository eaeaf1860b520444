// tmpfs: files, directories, symbolic links and special files held in memory, as Linux's
// (Documentation/filesystems/tmpfs.rst). A file's bytes live in frames from the kernel's frame
// allocator, lent as they are to file-backed mmap. It grows until only `reserve_frames` frames
// stay free for the kernel, then writes fail with ENOSPC.
#pragma once

#include "fs/tmpfs/file_pages.h"
#include "fs/vfs/inode.h"
#include "lib/intrusive_list.h"

namespace kernel {
class FrameAllocator;
}

namespace kernel::tmpfs {

// The wall-clock time for inode timestamps.
using Clock = vfs::Timestamp (*)();

inline constexpr uint64_t tmpfs_magic = 0x01021994; // TMPFS_MAGIC, statfs(2)

class TmpInode;

class TmpFileSystem final : public vfs::FileSystem, public PageSource {
public:
    // Null when the kernel heap is exhausted. The root directory has `root_mode`'s permissions.
    static RefPtr<TmpFileSystem> create(FrameAllocator& frames, size_t reserve_frames, Clock clock,
                                        uint32_t root_mode);
    ~TmpFileSystem() override;

    RefPtr<vfs::Inode> root() override;
    const char* type_name() const override { return "tmpfs"; }
    ErrorOr<void> statistics(vfs::FileSystemStatistics& statistics) override;

    ErrorOr<PhysicalAddress> allocate_page() override;
    void free_page(PhysicalAddress page) override;

    // Regular files made here from now on start without seals, open to F_ADD_SEALS (the
    // memfd_create(2) file system); elsewhere they start with seal::seal, as Linux's shmem.
    void make_files_sealable() { m_files_sealable = true; }
    bool files_sealable() const { return m_files_sealable; }

    FrameAllocator& frames() { return m_frames; }
    vfs::Timestamp now() const { return m_clock(); }
    uint64_t next_inode_number() { return m_next_inode++; }
    void inode_created() { ++m_inode_count; }
    void inode_destroyed() { --m_inode_count; }

private:
    TmpFileSystem(FrameAllocator& frames, size_t reserve_frames, Clock clock);

    FrameAllocator& m_frames;
    size_t m_reserve_frames;
    Clock m_clock;
    RefPtr<TmpInode> m_root;
    uint64_t m_next_inode = 1;
    uint64_t m_pages_used = 0;
    uint64_t m_inode_count = 0;
    bool m_files_sealable = false;
};

// One name in a directory.
struct TmpEntry {
    ListNode node;
    char* name = nullptr;
    size_t name_length = 0;
    uint64_t cookie = 0; // readdir position: entries keep theirs while others come and go
    RefPtr<TmpInode> inode;

    StringView view() const { return StringView(name, name_length); }
};

class TmpInode final : public vfs::Inode {
public:
    TmpInode(TmpFileSystem& file_system, vfs::NodeType type, uint32_t mode, uint64_t device);
    ~TmpInode() override;

    vfs::FileSystem& file_system() override { return m_file_system; }
    vfs::NodeType type() const override { return m_type; }
    ErrorOr<void> attributes(vfs::Attributes& attributes) override;
    ErrorOr<void> change_attributes(const vfs::AttributeChange& change) override;

    ErrorOr<RefPtr<vfs::Inode>> lookup(StringView name) override;
    ErrorOr<RefPtr<vfs::Inode>> create(StringView name, vfs::NodeType type, uint32_t mode,
                                       uint64_t device) override;
    ErrorOr<RefPtr<vfs::Inode>> create_symlink(StringView name, StringView target) override;
    ErrorOr<void> link(StringView name, vfs::Inode& target) override;
    ErrorOr<void> remove(StringView name, bool directory) override;
    ErrorOr<void> rename(StringView old_name, vfs::Inode& new_directory, StringView new_name,
                         uint32_t flags) override;
    ErrorOr<void> read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) override;

    ErrorOr<size_t> read(uint64_t offset, vfs::IoBuffer buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t offset, vfs::IoBuffer buffer, size_t length) override;
    ErrorOr<PhysicalAddress> page(uint64_t offset, bool writable) override;
    ErrorOr<uint64_t> seek_hole_data(uint64_t offset, bool hole) override;
    ErrorOr<size_t> read_link(char* buffer, size_t capacity) override;
    ErrorOr<uint32_t> seals() override;
    ErrorOr<void> add_seals(uint32_t seals) override;

    ErrorOr<void> set_link_target(StringView target);

private:
    TmpEntry* find(StringView name);
    ErrorOr<TmpEntry*> add_entry(StringView name, RefPtr<TmpInode> inode);
    void drop_entry(TmpEntry& entry);
    bool is_empty_directory();
    bool is_ancestor_of(TmpInode& directory);
    ErrorOr<void> check_new_name(StringView name);
    ErrorOr<void> truncate(uint64_t size);
    void touch_change();
    void touch_modify();
    void move_entry(TmpEntry& entry, TmpInode& new_directory);
    ErrorOr<void> exchange(TmpEntry& from, TmpInode& to_directory, TmpEntry& to);

    TmpFileSystem& m_file_system;
    vfs::NodeType m_type;
    uint64_t m_number;
    uint32_t m_permissions;
    uint32_t m_uid = 0, m_gid = 0;
    uint32_t m_link_count = 0;
    uint64_t m_device;
    vfs::Timestamp m_access_time, m_modify_time, m_change_time;

    // Regular files.
    FilePages m_pages;
    uint64_t m_size = 0;
    uint32_t m_seals = 0;

    // Directories. The parent is not counted (its entry holds this directory).
    IntrusiveList<TmpEntry, &TmpEntry::node> m_entries;
    uint64_t m_next_cookie = 2; // 0 and 1 are "." and ".."
    TmpInode* m_parent = nullptr;

    // Symbolic links.
    char* m_target = nullptr;
    size_t m_target_length = 0;

    friend class TmpFileSystem;
};

} // namespace kernel::tmpfs
