// What the path syscalls share: a path copied from the program, the directory a *at() call's
// relative path starts from, and the program's umask (which the calls that create files read).
#pragma once

#include "fs/inode_file.h"
#include "fs/vfs/vfs.h"
#include "lib/error_or.h"
#include "linux/syscall_arguments.h"

namespace kernel {

inline constexpr int at_fdcwd = -100;
inline constexpr int at_symlink_nofollow = 0x100;
inline constexpr int at_removedir = 0x200;
inline constexpr int at_symlink_follow = 0x400;
inline constexpr int at_no_automount = 0x800;
inline constexpr int at_empty_path = 0x1000;
inline constexpr int at_eaccess = 0x200;

// A path from the program, on the heap (PATH_MAX is too much for a kernel stack):
// EFAULT, ENAMETOOLONG at PATH_MAX with its NUL, ENOMEM.
class UserPath {
public:
    UserPath() = default;
    UserPath(const UserPath&) = delete;
    UserPath& operator=(const UserPath&) = delete;
    ~UserPath() { delete[] m_text; }

    ErrorOr<void> copy(UserString path);
    StringView view() const { return StringView(m_text, m_length); }
    bool is_empty() const { return m_length == 0; }

private:
    char* m_text = nullptr;
    size_t m_length = 0;
};

// The file behind a descriptor when it was opened by path (O_PATH too): EBADF otherwise...
// for a descriptor that is open but not such a file, `otherwise`.
ErrorOr<InodeFile*> inode_file(int fd, Errno otherwise);

// Where `path` starts for a *at() call: null (the walk's default: the working directory) for
// an absolute path or AT_FDCWD, else the directory open as `directory` (EBADF, ENOTDIR).
ErrorOr<RefPtr<vfs::Location>> at_base(int directory, StringView path);

// `path` from `directory`: ENOENT for an empty path unless `empty_path` (AT_EMPTY_PATH), which
// names the descriptor's own file.
ErrorOr<RefPtr<vfs::Location>> resolve_user_path(int directory, UserString path, bool follow,
                                                 bool empty_path = false);

// The program's file mode creation mask (umask(2)): 022 to start with.
uint32_t file_creation_mask();
uint32_t set_file_creation_mask(uint32_t mask);

} // namespace kernel
