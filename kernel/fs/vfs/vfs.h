// The one tree every path names: file systems mounted on directories, and the walk that
// resolves a path through them (".." across mount points, symbolic links, ELOOP after 40),
// following path_resolution(7).
#pragma once

#include "fs/vfs/inode.h"
#include "fs/vfs/location.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"
#include "lib/string_view.h"

namespace kernel::vfs {

// Linux's MAXSYMLINKS: links followed in one walk before ELOOP.
inline constexpr int max_link_follows = 40;

// What the last component of a walked path was (Linux's LAST_NORM, LAST_DOT, LAST_DOTDOT,
// LAST_ROOT): creat, mkdir, unlink, rmdir and rename each answer "." and ".." differently.
enum class LastComponent { Normal, Dot, DotDot, Root };

// What a walk found. `parent` is the directory holding the last component (for "/" and a link
// to it: "/" itself); `target` is the last component's own place, null when it does not exist
// (only a walk for creation returns that).
struct WalkResult {
    RefPtr<Location> parent;
    RefPtr<Location> target;
    char name[name_max + 1] = {};
    size_t name_length = 0;
    LastComponent last = LastComponent::Normal;
    bool trailing_slash = false; // "dir/": the last component must be a directory

    StringView last_name() const { return StringView(name, name_length); }
};

class FileTree {
public:
    FileTree() = default;
    FileTree(const FileTree&) = delete;
    FileTree& operator=(const FileTree&) = delete;

    // Mounts `file_system` on the directory at the absolute `path` ("/" first, before any
    // other), and gives it its st_dev.
    ErrorOr<void> mount(RefPtr<FileSystem> file_system, StringView path);
    // Every mount as it is now, "/" first and then in the order made (/proc/self/mountinfo):
    // visit(const Location& place, FileSystem& file_system).
    template <typename Visit> void for_each_mount(Visit&& visit) const {
        if (!m_root)
            return;
        visit(*m_root, *m_root_file_system);
        for (int i = 0; i < m_mount_count; ++i)
            visit(*m_mounts[i].place, *m_mounts[i].file_system);
    }
    // Whether some file system is mounted on `inode` (unlink, rmdir and rename of it: EBUSY).
    bool is_mount_point(Inode& inode);

    // `path` from `base` (null: the working directory; ignored for an absolute path). Follows
    // symbolic links, in the last component too when `follow_last_link` (or a trailing slash).
    ErrorOr<RefPtr<Location>> resolve_at(Location* base, StringView path, bool follow_last_link);
    // Every component but the last (mkdir, unlink, rmdir, rename, link, symlink, mknod): the
    // last is named in the result, not looked up (`target` stays null).
    ErrorOr<void> resolve_parent_at(Location* base, StringView path, WalkResult& result);
    // open(2) with O_CREAT: the last component looked up when it exists (and followed when a
    // link, if `follow_last_link`), or its parent and name when it does not.
    ErrorOr<void> resolve_for_create_at(Location* base, StringView path, bool follow_last_link,
                                        WalkResult& result);

    // The place of `inode` found in `directory` under `name`: into the root of a file system
    // mounted on it, if any.
    ErrorOr<RefPtr<Location>> enter(const RefPtr<Location>& directory, StringView name,
                                    RefPtr<Inode> inode);

    RefPtr<Location> root() const { return m_root; }
    RefPtr<Location> working_directory() const { return m_working_directory; }
    void set_working_directory(RefPtr<Location> directory) {
        m_working_directory = move(directory);
    }

    ErrorOr<RefPtr<Inode>> make_directories(StringView path, uint32_t mode);
    ErrorOr<void> write_file(StringView path, const void* contents, size_t length, uint32_t mode);

private:
    enum class Mode { Resolve, Parent, Create };
    ErrorOr<void> walk(Location* base, StringView path, Mode mode, bool follow_last_link,
                       WalkResult& result);

    struct Mounted {
        FileSystem* covered_file_system = nullptr;
        uint64_t covered_inode = 0;
        RefPtr<FileSystem> file_system;
        RefPtr<Location> place; // where it was mounted: its path
    };
    static constexpr int max_mounts = 32;

    // The tree holds its file systems: their inodes refer to them without a count.
    RefPtr<FileSystem> m_root_file_system;
    RefPtr<Location> m_root;
    RefPtr<Location> m_working_directory;
    Mounted m_mounts[max_mounts];
    int m_mount_count = 0;
    uint32_t m_next_device_minor = 0x20;
};

// The kernel's tree: the program's one view of the file systems.
FileTree& file_tree();

// Mounts `file_system` on the directory at the absolute `path` ("/" first, before any other).
ErrorOr<void> mount(RefPtr<FileSystem> file_system, StringView path);

// An absolute path, or one relative to the working directory. Symbolic links are followed,
// in the last component too when `follow_last_link`.
ErrorOr<RefPtr<Inode>> resolve(StringView path, bool follow_last_link = true);

// Boot-time set-up (mount points, generated files under /etc): `mkdir -p` with `mode`, and a
// whole file written at once, replacing any file there.
ErrorOr<RefPtr<Inode>> make_directories(StringView path, uint32_t mode);
ErrorOr<void> write_file(StringView path, const void* contents, size_t length, uint32_t mode);

} // namespace kernel::vfs
