// fadvise64 (posix_fadvise(2)) and readahead(2): advice about how a file will be read. Every
// file's pages are in memory already, so the advice changes nothing; what is left is Linux's
// answers to bad arguments (ksys_fadvise64_64, generic_fadvise, ksys_readahead).
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "linux/syscall_table.h"

namespace kernel {

namespace {

constexpr int fadvise_normal = 0, fadvise_noreuse = 5; // POSIX_FADV_NORMAL .. _NOREUSE

// The open file a call may advise about: EBADF for none, or one opened with O_PATH.
ErrorOr<fd_table::FileReference> advised_file(int fd) {
    auto file = TRY(fd_table::get_reference(fd));
    if (file->kind() == FileKind::Inode && static_cast<InodeFile&>(*file).is_path_only())
        return EBADF;
    return file;
}

} // namespace

// ESPIPE for a pipe, EINVAL for a negative length or unknown advice; 0 otherwise.
ErrorOr<long> sys_fadvise64(int fd, long, long length, int advice) {
    auto file = TRY(advised_file(fd));
    if (file->kind() == FileKind::Pipe)
        return ESPIPE;
    if (length < 0 || advice < fadvise_normal || advice > fadvise_noreuse)
        return EINVAL;
    return 0;
}

// EBADF unless open for reading; EINVAL for anything but a regular file.
ErrorOr<long> sys_readahead(int fd, long, size_t) {
    auto file = TRY(advised_file(fd));
    if (file->access_mode() == o_wronly)
        return EBADF;
    vfs::Inode* inode = file->inode();
    if (!inode || inode->type() != vfs::NodeType::Regular)
        return EINVAL;
    return 0;
}

} // namespace kernel
