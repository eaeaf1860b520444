// The root file system: the image's read-only tree (lower) under a writable tmpfs (upper), as
// Linux's overlayfs (Documentation/filesystems/overlayfs.rst) without redirect_dir or index:
// - a lower file is copied up, whole, on its first change (write, truncate, chmod, chown,
//   utimes, a writable shared mapping), its parents first;
// - a removed lower entry leaves a whiteout in the upper directory: a character device 0/0;
// - a directory made where a whiteout was is opaque: the lower one no longer shows through;
// - a directory lists the upper entries, then the lower ones not hidden by an upper name;
// - a copied-up file keeps its lower original's inode number, in stat and in getdents64;
// - renaming a directory that has a lower part copies its whole tree up first (what overlayfs
//   does for it without redirect_dir is EXDEV, which mv and package managers take badly); the
//   moved directory is opaque, its old name a whiteout.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/intrusive_list.h"

namespace kernel::overlay {

inline constexpr uint64_t overlay_magic = 0x794c7630; // OVERLAYFS_SUPER_MAGIC, statfs(2)
// st_ino of an entry only the upper layer has: apart from the lower layer's numbers.
inline constexpr uint64_t upper_only_inode_base = 1ull << 32;

class OverlayFileSystem;

class OverlayInode final : public vfs::Inode {
public:
    OverlayInode(OverlayFileSystem& file_system, RefPtr<OverlayInode> parent, char* name,
                 size_t name_length, RefPtr<vfs::Inode> upper, RefPtr<vfs::Inode> lower,
                 uint64_t lower_number);
    ~OverlayInode() override;

    vfs::FileSystem& file_system() override;
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
    ErrorOr<void> sync() override;
    ErrorOr<uint64_t> seek_hole_data(uint64_t offset, bool hole) override;
    ErrorOr<uint32_t> seals() override;
    ErrorOr<PhysicalAddress> page(uint64_t offset, bool writable) override;
    ErrorOr<size_t> read_link(char* buffer, size_t capacity) override;
    ErrorOr<File*> open_special(uint32_t flags) override;

    // Gives this inode (and its parents) an upper copy: with its bytes, unless the caller is
    // about to truncate it to nothing.
    ErrorOr<void> copy_up(bool with_data);
    // copy_up of this directory and of everything under it (a merged directory that moves).
    ErrorOr<void> copy_up_tree();

    vfs::Inode* upper() const { return m_upper.get(); }
    vfs::Inode* lower() const { return m_lower.get(); }
    bool has_lower() const { return static_cast<bool>(m_lower); }
    uint64_t lower_number() const { return m_lower_number; }

    ListNode cache_node;

private:
    vfs::Inode& current() const { return m_upper ? *m_upper : *m_lower; }
    ErrorOr<RefPtr<OverlayInode>> find(StringView name);
    ErrorOr<bool> take_whiteout(StringView name);
    ErrorOr<void> make_whiteout(StringView name);
    ErrorOr<void> check_empty();
    ErrorOr<void> clear_whiteouts();
    ErrorOr<void> copy_data(vfs::Inode& destination);
    ErrorOr<bool> lower_has(StringView name);
    ErrorOr<void> rename_to(RefPtr<OverlayInode> parent, StringView name);
    bool is_ancestor_of(OverlayInode& directory) const;

    OverlayFileSystem& m_file_system;
    RefPtr<OverlayInode> m_parent; // where copy-up puts this inode's upper copy
    char* m_name;
    size_t m_name_length;
    vfs::NodeType m_type;
    RefPtr<vfs::Inode> m_upper;
    RefPtr<vfs::Inode> m_lower;
    uint64_t m_lower_number;
};

class OverlayFileSystem final : public vfs::FileSystem {
public:
    // Null when the kernel heap is exhausted or a root is not a directory.
    static RefPtr<OverlayFileSystem> create(RefPtr<vfs::FileSystem> lower,
                                            RefPtr<vfs::FileSystem> upper);
    ~OverlayFileSystem() override;

    RefPtr<vfs::Inode> root() override;
    const char* type_name() const override { return "overlay"; }
    ErrorOr<void> statistics(vfs::FileSystemStatistics& statistics) override;

    // The one overlay inode for this upper/lower pair, so that every path and open file sees
    // the same copy-up: from the cache of live ones, or made.
    ErrorOr<RefPtr<OverlayInode>> inode_for(RefPtr<OverlayInode> parent, StringView name,
                                            RefPtr<vfs::Inode> upper, RefPtr<vfs::Inode> lower);
    void forget(OverlayInode& inode);

    // A copied-up inode's origin: the number its lower original had, which the copy keeps as
    // its st_ino and d_ino for as long as it lives (overlayfs's origin and xino).
    ErrorOr<void> record_origin(vfs::Inode& upper, uint64_t lower_number);
    // The number an upper inode shows: its origin's, or its own apart from the lower ones.
    uint64_t shown_number(uint64_t upper_number) const;

    bool is_opaque(vfs::Inode& upper_directory);
    ErrorOr<void> set_opaque(vfs::Inode& upper_directory);
    void clear_opaque(vfs::Inode& upper_directory);

private:
    OverlayFileSystem(RefPtr<vfs::FileSystem> lower, RefPtr<vfs::FileSystem> upper);

    struct OpaqueMark {
        ListNode node;
        RefPtr<vfs::Inode> directory;
    };
    struct Origin {
        ListNode node;
        uint64_t upper_number;
        uint64_t lower_number;
    };

    RefPtr<vfs::FileSystem> m_lower;
    RefPtr<vfs::FileSystem> m_upper;
    IntrusiveList<OverlayInode, &OverlayInode::cache_node> m_cache;
    IntrusiveList<OpaqueMark, &OpaqueMark::node> m_opaque;
    IntrusiveList<Origin, &Origin::node> m_origins;
    RefPtr<OverlayInode> m_root; // after the cache: it leaves the cache as it goes
};

// A whiteout: the upper layer's mark that a lower entry was removed.
bool is_whiteout(vfs::Inode& inode);

} // namespace kernel::overlay
