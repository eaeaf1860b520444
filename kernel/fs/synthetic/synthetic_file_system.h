// One synthetic file system (/dev, /proc or /sys): a tree of nodes built at mount, whose
// files are generated from the kernel's state when opened. Nothing can be created, removed or
// renamed in it; each refuses that with the errno Linux's own file system gives.
#pragma once

#include "fs/synthetic/file_opener.h"
#include "fs/synthetic/system_facts.h"
#include "fs/vfs/inode.h"

namespace kernel::synthetic {

class Directory;

// What Linux answers for changes to the tree. procfs: its lookup fails first, so creating
// anything is ENOENT, removing EPERM. /sys is mounted read-only, as Docker mounts it: EROFS.
struct ChangePolicy {
    Errno create_file;
    Errno create_other;
    Errno remove;
    bool read_only;
};

class SyntheticFileSystem final : public vfs::FileSystem {
public:
    // `mount_path` ("/proc") prefixes the paths open files describe themselves by.
    SyntheticFileSystem(const char* type, const char* mount_path, ChangePolicy policy,
                        const SystemFacts& facts, FileOpener& opener, uint32_t root_mode = 0555);
    ~SyntheticFileSystem() override;

    RefPtr<vfs::Inode> root() override;
    const char* type_name() const override { return m_type; }
    bool is_read_only() const override { return m_policy.read_only; }
    ErrorOr<void> statistics(vfs::FileSystemStatistics& statistics) override;

    // Null when out of memory: the builder then gives up the whole file system.
    Directory* root_directory() { return m_root.get(); }
    const char* mount_path() const { return m_mount_path; }
    const ChangePolicy& policy() const { return m_policy; }
    const SystemFacts& facts() const { return m_facts; }
    FileOpener& opener() { return m_opener; }
    uint64_t allocate_inode_number() { return m_next_inode++; }
    vfs::Timestamp mount_time() const { return m_mount_time; }
    // f_type as statfs reports it (PROC_SUPER_MAGIC, SYSFS_MAGIC, TMPFS_MAGIC for /dev).
    void set_magic(uint64_t magic) { m_magic = magic; }
    // A copy of `text` the file system keeps for its life: a node's name made at mount
    // ("1", the pid's directory). Empty when out of memory or room.
    StringView keep_name(const char* text);

private:
    const char* m_type;
    const char* m_mount_path;
    ChangePolicy m_policy;
    const SystemFacts& m_facts;
    FileOpener& m_opener;
    uint64_t m_next_inode = 1;
    uint64_t m_magic = 0;
    vfs::Timestamp m_mount_time;
    char* m_kept_names[4] = {};
    RefPtr<Directory> m_root;
};

} // namespace kernel::synthetic
