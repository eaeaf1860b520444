// What a path or a descriptor says about its file: stat, lstat, newfstatat, statx, statfs,
// fstatfs, access, faccessat(2), readlink(at).
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "lib/string.h"
#include "linux/path_arguments.h"
#include "linux/program_identity.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr int f_ok = 0, x_ok = 1, w_ok = 2, r_ok = 4;
constexpr int at_statx_sync_type = 0x6000;
constexpr unsigned statx_basic_stats = 0x7ff;
constexpr unsigned statx_reserved = 0x80000000;

struct StatxTimestamp {
    int64_t seconds;
    uint32_t nanoseconds;
    int32_t reserved;
};

// The x86-64 struct statx (include/uapi/linux/stat.h).
struct LinuxStatx {
    uint32_t mask, block_size;
    uint64_t attributes;
    uint32_t link_count, uid, gid;
    uint16_t mode, spare0;
    uint64_t inode, size, blocks, attributes_mask;
    StatxTimestamp access_time, birth_time, change_time, modify_time;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mount_id;
    uint32_t dio_memory_align, dio_offset_align;
    uint64_t spare3[12];
};
static_assert(sizeof(LinuxStatx) == 256);
static_assert(__builtin_offsetof(LinuxStatx, access_time) == 0x40);
static_assert(__builtin_offsetof(LinuxStatx, rdev_major) == 0x80);

// Linux's dev_t encoding (new_encode_dev) taken apart.
uint32_t device_major(uint64_t device) {
    return static_cast<uint32_t>(((device >> 8) & 0xfff) | ((device >> 32) & ~0xfffull));
}
uint32_t device_minor(uint64_t device) {
    return static_cast<uint32_t>((device & 0xff) | ((device >> 12) & ~0xffull));
}

// A stat of the file a descriptor refers to, whatever its kind (fstatat with AT_EMPTY_PATH).
ErrorOr<LinuxStat> stat_descriptor(int fd) {
    LinuxStat stat;
    if (fd == at_fdcwd) {
        TRY(stat_inode(vfs::file_tree().working_directory()->inode(), stat));
        return stat;
    }
    auto file = TRY(fd_table::get_reference(fd));
    TRY(file->stat(stat));
    return stat;
}

ErrorOr<LinuxStat> stat_at(int directory, UserString path, int flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path | at_no_automount | at_statx_sync_type))
        return EINVAL;
    UserPath text;
    TRY(text.copy(path));
    if (text.is_empty()) {
        if (!(flags & at_empty_path))
            return ENOENT;
        return stat_descriptor(directory);
    }
    auto base = TRY(at_base(directory, text.view()));
    auto place =
        TRY(vfs::file_tree().resolve_at(base.get(), text.view(), !(flags & at_symlink_nofollow)));
    LinuxStat stat;
    TRY(stat_inode(place->inode(), stat));
    return stat;
}

StatxTimestamp statx_time(uint64_t seconds, uint64_t nanoseconds) {
    return {static_cast<int64_t>(seconds), static_cast<uint32_t>(nanoseconds), 0};
}

ErrorOr<long> check_access(int directory, UserString path, int mode, int flags) {
    if (mode & ~(f_ok | x_ok | w_ok | r_ok))
        return EINVAL;
    if (flags & ~(at_symlink_nofollow | at_eaccess | at_empty_path))
        return EINVAL;
    auto place = TRY(
        resolve_user_path(directory, path, !(flags & at_symlink_nofollow), flags & at_empty_path));
    vfs::Inode& inode = place->inode();
    vfs::NodeType type = inode.type();
    // The program runs as root: reading and writing are always allowed (but not on a read-only
    // file system), executing only what some execute bit allows (or a directory's search).
    bool data_like = type == vfs::NodeType::Regular || type == vfs::NodeType::Directory ||
                     type == vfs::NodeType::Symlink;
    if ((mode & w_ok) && data_like && inode.file_system().is_read_only())
        return EROFS;
    if ((mode & x_ok) && type != vfs::NodeType::Directory) {
        vfs::Attributes attributes;
        TRY(inode.attributes(attributes));
        if (!(attributes.mode & 0111))
            return EACCES;
    }
    return 0;
}

// /proc/self/exe until /proc is mounted: the program's own path.
ErrorOr<long> read_program_link(UserPointer buffer, int size) {
    const char* target = program_path();
    size_t length = min(strlen(target), static_cast<size_t>(size));
    TRY(copy_to_user(buffer.address, target, length));
    return static_cast<long>(length);
}

ErrorOr<long> read_link_at(int directory, UserString path, UserPointer buffer, int size) {
    if (size <= 0)
        return EINVAL;
    UserPath text;
    TRY(text.copy(path));
    if (text.is_empty())
        return ENOENT;
    auto base = TRY(at_base(directory, text.view()));
    auto place = vfs::file_tree().resolve_at(base.get(), text.view(), false);
    if (place.is_error()) {
        if (place.error().code() == ENOENT && text.view() == StringView("/proc/self/exe"))
            return read_program_link(buffer, size);
        return place.error();
    }
    vfs::Inode& link = place.value()->inode();
    if (link.type() != vfs::NodeType::Symlink)
        return EINVAL;
    char* target = new char[vfs::path_max];
    if (!target)
        return ENOMEM;
    auto length = link.read_link(target, min<size_t>(vfs::path_max, static_cast<size_t>(size)));
    ErrorOr<void> copied = length.is_error() ? ErrorOr<void>(length.error())
                                             : copy_to_user(buffer.address, target, length.value());
    delete[] target;
    TRY(move(copied));
    return static_cast<long>(length.value());
}

// The x86-64 struct statfs.
struct LinuxStatfs {
    int64_t type, block_size;
    uint64_t blocks, free_blocks, available_blocks, files, free_files;
    int32_t file_system_id[2];
    int64_t name_length, fragment_size, flags;
    int64_t spare[4];
};
static_assert(sizeof(LinuxStatfs) == 120);

ErrorOr<long> write_statfs(vfs::FileSystem& file_system, UserPointer buffer) {
    vfs::FileSystemStatistics statistics;
    TRY(file_system.statistics(statistics));
    LinuxStatfs result = {};
    result.type = static_cast<int64_t>(statistics.type);
    result.block_size = static_cast<int64_t>(statistics.block_size);
    result.blocks = statistics.blocks;
    result.free_blocks = statistics.free_blocks;
    result.available_blocks = statistics.available_blocks;
    result.files = statistics.files;
    result.free_files = statistics.free_files;
    result.file_system_id[0] = static_cast<int32_t>(file_system.device_id());
    result.name_length = static_cast<int64_t>(statistics.name_length);
    result.fragment_size = static_cast<int64_t>(statistics.block_size);
    // ST_VALID (0x20) says f_flags is filled in; ST_RDONLY is 1.
    result.flags =
        static_cast<int64_t>(statistics.flags | (file_system.is_read_only() ? 1 : 0) | 0x20);
    TRY(write_user(buffer.address, result));
    return 0;
}

} // namespace

ErrorOr<long> sys_stat(UserString path, UserPointer stat) {
    auto result = TRY(stat_at(at_fdcwd, path, 0));
    TRY(write_user(stat.address, result));
    return 0;
}

ErrorOr<long> sys_lstat(UserString path, UserPointer stat) {
    auto result = TRY(stat_at(at_fdcwd, path, at_symlink_nofollow));
    TRY(write_user(stat.address, result));
    return 0;
}

ErrorOr<long> sys_newfstatat(int directory, UserString path, UserPointer stat, int flags) {
    auto result = TRY(stat_at(directory, path, flags));
    TRY(write_user(stat.address, result));
    return 0;
}

ErrorOr<long> sys_statx(int directory, UserString path, int flags, unsigned mask,
                        UserPointer buffer) {
    if ((flags & at_statx_sync_type) == at_statx_sync_type)
        return EINVAL;
    if (mask & statx_reserved)
        return EINVAL;
    auto stat = TRY(stat_at(directory, path, flags));
    LinuxStatx result = {};
    result.mask = statx_basic_stats;
    result.block_size = static_cast<uint32_t>(stat.st_blksize);
    result.link_count = static_cast<uint32_t>(stat.st_nlink);
    result.uid = stat.st_uid;
    result.gid = stat.st_gid;
    result.mode = static_cast<uint16_t>(stat.st_mode);
    result.inode = stat.st_ino;
    result.size = static_cast<uint64_t>(stat.st_size);
    result.blocks = static_cast<uint64_t>(stat.st_blocks);
    result.access_time = statx_time(stat.st_atime_sec, stat.st_atime_nsec);
    result.modify_time = statx_time(stat.st_mtime_sec, stat.st_mtime_nsec);
    result.change_time = statx_time(stat.st_ctime_sec, stat.st_ctime_nsec);
    result.rdev_major = device_major(stat.st_rdev);
    result.rdev_minor = device_minor(stat.st_rdev);
    result.dev_major = device_major(stat.st_dev);
    result.dev_minor = device_minor(stat.st_dev);
    TRY(write_user(buffer.address, result));
    return 0;
}

ErrorOr<long> sys_access(UserString path, int mode) {
    return check_access(at_fdcwd, path, mode, 0);
}

ErrorOr<long> sys_faccessat(int directory, UserString path, int mode) {
    return check_access(directory, path, mode, 0);
}

ErrorOr<long> sys_faccessat2(int directory, UserString path, int mode, int flags) {
    return check_access(directory, path, mode, flags);
}

ErrorOr<long> sys_readlink(UserString path, UserPointer buffer, int size) {
    return read_link_at(at_fdcwd, path, buffer, size);
}

ErrorOr<long> sys_readlinkat(int directory, UserString path, UserPointer buffer, int size) {
    return read_link_at(directory, path, buffer, size);
}

ErrorOr<long> sys_statfs(UserString path, UserPointer buffer) {
    auto place = TRY(resolve_user_path(at_fdcwd, path, true));
    return write_statfs(place->inode().file_system(), buffer);
}

ErrorOr<long> sys_fstatfs(int fd, UserPointer buffer) {
    auto reference = TRY(fd_table::get_reference(fd));
    vfs::Inode* inode = reference->inode();
    if (inode)
        return write_statfs(inode->file_system(), buffer);
    // Pipes, sockets, eventfds and the console: the magic of Linux's pseudo file system for
    // them, which has no blocks (statfs(2)).
    LinuxStatfs result = {};
    switch (reference->kind()) {
    case FileKind::Pipe:
        result.type = 0x50495045; // PIPEFS_MAGIC
        break;
    case FileKind::Socket:
    case FileKind::UnixSocket:
    case FileKind::NetlinkSocket:
        result.type = 0x534f434b; // SOCKFS_MAGIC
        break;
    case FileKind::Console:
        result.type = 0x1cd1; // DEVPTS_SUPER_MAGIC
        break;
    default:
        result.type = 0x09041934; // ANON_INODE_FS_MAGIC
        break;
    }
    result.block_size = 4096;
    result.name_length = vfs::name_max;
    result.fragment_size = 4096;
    result.flags = 0x20;
    TRY(write_user(buffer.address, result));
    return 0;
}

} // namespace kernel
