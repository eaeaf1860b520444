// Positioned I/O and the calls on an open file's data: pread64, pwrite64, preadv(2),
// pwritev(2), lseek, getdents64, ftruncate, truncate, fsync, fdatasync, sync, syncfs, fallocate.
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "fs/io_vectors.h"
#include "lib/zero_page.h"
#include "linux/path_arguments.h"
#include "linux/syscall_table.h"

namespace kernel {

namespace {

// RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND, RWF_NOAPPEND (preadv2(2)): all
// accepted; memory is as durable as it gets, and nothing here waits.
constexpr int rwf_known = 0x3f;
constexpr int rwf_append = 0x10;
constexpr int fallocate_keep_size = 1, fallocate_punch_hole = 3; // PUNCH_HOLE needs KEEP_SIZE

// pread and pwrite need a file with a position: pipes, sockets and the console are ESPIPE.
ErrorOr<InodeFile*> positioned_file(File& file) {
    if (file.kind() != FileKind::Inode)
        return ESPIPE;
    auto& inode_file = static_cast<InodeFile&>(file);
    if (inode_file.is_path_only())
        return EBADF;
    return &inode_file;
}

template <bool Writing>
ErrorOr<long> transfer_at(int fd, UserPointer buffer, size_t count, long offset) {
    auto reference = TRY(fd_table::get_reference(fd));
    InodeFile* file = TRY(positioned_file(*reference));
    if (Writing ? !file->is_writable() : !file->is_readable())
        return EBADF;
    if (offset < 0)
        return EINVAL;
    size_t length = TRY(transfer_length(buffer.address, count));
    auto user = vfs::IoBuffer::user(buffer.address);
    auto done = Writing ? file->write_at(static_cast<uint64_t>(offset), user, length)
                        : file->read_at(static_cast<uint64_t>(offset), user, length);
    return as_syscall_result(move(done));
}

// RWF_APPEND: this write goes to the end, whatever the offset.
ErrorOr<size_t> append(InodeFile& file, vfs::IoBuffer buffer, size_t length) {
    vfs::Attributes attributes;
    TRY(file.inode()->attributes(attributes));
    return file.write_at(attributes.size, buffer, length);
}

// preadv2/pwritev2 with offset -1 use and move the file's position, as readv/writev do.
template <bool Writing>
ErrorOr<long> transfer_vectors_at(int fd, UserPointer user_vectors, int count, long offset,
                                  int flags) {
    auto reference = TRY(fd_table::get_reference(fd));
    if (flags & ~rwf_known)
        return ENOTSUP;
    if (count < 0 || static_cast<size_t>(count) > max_io_vectors)
        return EINVAL;
    bool positioned = offset != -1;
    InodeFile* file = nullptr;
    if (positioned || reference->kind() == FileKind::Inode)
        file = TRY(positioned_file(*reference));
    if (file && (Writing ? !file->is_writable() : !file->is_readable()))
        return EBADF;
    if (positioned && offset < 0)
        return EINVAL;
    IoVectors vectors;
    TRY(read_io_vectors(user_vectors.address, static_cast<size_t>(count),
                        Writing ? Access::Read : Access::Write, vectors));
    size_t total = 0;
    for (size_t i = 0; i < vectors.count; ++i) {
        const IoVector& vector = vectors.vectors[i];
        if (vector.length == 0)
            continue;
        auto user = vfs::IoBuffer::user(vector.base);
        uint64_t at = static_cast<uint64_t>(offset) + total;
        auto move_one = [&]() -> ErrorOr<size_t> {
            if (!positioned)
                return Writing ? reference->write(vector.base, vector.length)
                               : reference->read(vector.base, vector.length);
            if (Writing && (flags & rwf_append))
                return append(*file, user, vector.length);
            return Writing ? file->write_at(at, user, vector.length)
                           : file->read_at(at, user, vector.length);
        };
        auto done = move_one();
        if (done.is_error()) {
            if (total)
                break;
            return done.error();
        }
        total += done.value();
        if (done.value() < vector.length)
            break;
    }
    return static_cast<long>(total);
}

ErrorOr<void> truncate_inode(vfs::Inode& inode, long length) {
    if (length < 0)
        return EINVAL;
    if (inode.type() == vfs::NodeType::Directory)
        return EISDIR;
    if (inode.type() != vfs::NodeType::Regular)
        return EINVAL;
    if (inode.file_system().is_read_only())
        return EROFS;
    vfs::AttributeChange change;
    change.fields = vfs::AttributeChange::Size;
    change.size = static_cast<uint64_t>(length);
    return inode.change_attributes(change);
}

// fsync and friends: every file with an inode has a sync; other files have none (EINVAL).
ErrorOr<long> sync_file(int fd) {
    auto reference = TRY(fd_table::get_reference(fd));
    vfs::Inode* inode = reference->inode();
    if (reference->kind() == FileKind::Inode && static_cast<InodeFile&>(*reference).is_path_only())
        return EBADF;
    if (!inode)
        return EINVAL;
    return as_syscall_result(inode->sync());
}

} // namespace

ErrorOr<long> sys_pread64(int fd, UserPointer buffer, size_t count, long offset) {
    return transfer_at<false>(fd, buffer, count, offset);
}

ErrorOr<long> sys_pwrite64(int fd, UserPointer buffer, size_t count, long offset) {
    return transfer_at<true>(fd, buffer, count, offset);
}

// On x86-64 the whole offset is in the low argument (pos_from_hilo).
ErrorOr<long> sys_preadv(int fd, UserPointer vectors, int count, long offset_low, long) {
    if (offset_low < 0)
        return EINVAL;
    return transfer_vectors_at<false>(fd, vectors, count, offset_low, 0);
}

ErrorOr<long> sys_pwritev(int fd, UserPointer vectors, int count, long offset_low, long) {
    if (offset_low < 0)
        return EINVAL;
    return transfer_vectors_at<true>(fd, vectors, count, offset_low, 0);
}

ErrorOr<long> sys_preadv2(int fd, UserPointer vectors, int count, long offset_low, long,
                          int flags) {
    return transfer_vectors_at<false>(fd, vectors, count, offset_low, flags);
}

ErrorOr<long> sys_pwritev2(int fd, UserPointer vectors, int count, long offset_low, long,
                           int flags) {
    return transfer_vectors_at<true>(fd, vectors, count, offset_low, flags);
}

// Linux's ksys_lseek: a whence past SEEK_HOLE is EINVAL whatever the file; then the file's
// own llseek (ESPIPE for those without a position).
ErrorOr<long> sys_lseek(int fd, long offset, unsigned whence) {
    constexpr unsigned seek_max = 4; // SEEK_HOLE
    auto reference = TRY(fd_table::get_reference(fd));
    if (whence > seek_max)
        return EINVAL;
    auto position = TRY(reference->seek(offset, static_cast<int>(whence)));
    return static_cast<long>(position);
}

ErrorOr<long> sys_getdents64(int fd, UserPointer buffer, unsigned count) {
    auto reference = TRY(fd_table::get_reference(fd));
    if (reference->kind() != FileKind::Inode)
        return ENOTDIR;
    size_t length = TRY(transfer_length(buffer.address, count));
    return as_syscall_result(
        static_cast<InodeFile&>(*reference).read_directory(buffer.address, length));
}

ErrorOr<long> sys_ftruncate(int fd, long length) {
    auto reference = TRY(fd_table::get_reference(fd));
    if (reference->kind() != FileKind::Inode)
        return EINVAL;
    auto& file = static_cast<InodeFile&>(*reference);
    if (file.is_path_only())
        return EBADF;
    // ftruncate(2): EINVAL when not open for writing (do_sys_ftruncate).
    if (!file.is_writable())
        return EINVAL;
    return as_syscall_result(truncate_inode(*file.inode(), length));
}

ErrorOr<long> sys_truncate(UserString path, long length) {
    auto place = TRY(resolve_user_path(at_fdcwd, path, true));
    return as_syscall_result(truncate_inode(place->inode(), length));
}

ErrorOr<long> sys_fsync(int fd) {
    return sync_file(fd);
}

ErrorOr<long> sys_fdatasync(int fd) {
    return sync_file(fd);
}

// The file systems that keep data elsewhere (9P volumes) flush on each file's fsync.
ErrorOr<long> sys_sync() {
    return 0;
}

ErrorOr<long> sys_syncfs(int fd) {
    TRY(fd_table::get(fd));
    return 0;
}

// fallocate(2) as tmpfs takes it: mode 0 grows the size to cover the range, KEEP_SIZE leaves
// it, PUNCH_HOLE|KEEP_SIZE zeroes the range; the other modes are EOPNOTSUPP. tmpfs takes its
// pages on the first write, so the space is not set aside: a later write may still find the
// memory full.
ErrorOr<long> sys_fallocate(int fd, int mode, long offset, long length) {
    auto reference = TRY(fd_table::get_reference(fd));
    if (offset < 0 || length <= 0)
        return EINVAL;
    if (reference->kind() != FileKind::Inode)
        return reference->kind() == FileKind::Pipe ? ESPIPE : ENODEV;
    auto& file = static_cast<InodeFile&>(*reference);
    if (!file.is_writable())
        return EBADF;
    if (mode != 0 && mode != fallocate_keep_size && mode != fallocate_punch_hole)
        return ENOTSUP;
    vfs::Inode& inode = *file.inode();
    if (inode.type() == vfs::NodeType::Directory)
        return EISDIR;
    if (inode.type() != vfs::NodeType::Regular)
        return ENODEV;
    long end;
    if (__builtin_add_overflow(offset, length, &end))
        return EFBIG;
    vfs::Attributes attributes;
    TRY(inode.attributes(attributes));
    if (mode == fallocate_punch_hole) {
        uint64_t stop = min(static_cast<uint64_t>(end), attributes.size);
        for (uint64_t at = static_cast<uint64_t>(offset); at < stop;) {
            size_t chunk = static_cast<size_t>(min<uint64_t>(stop - at, zero_page_size));
            at += TRY(inode.write(at, vfs::IoBuffer::kernel(zero_page), chunk));
        }
        return 0;
    }
    if (mode == fallocate_keep_size || static_cast<uint64_t>(end) <= attributes.size)
        return 0;
    TRY(truncate_inode(inode, end));
    return 0;
}

} // namespace kernel
