// Advisory locks from the program: fcntl's record locks (F_GETLK, F_SETLK, F_SETLKW and the
// open-file-description F_OFD_ ones) and flock(2).
#include "linux/lock_syscalls.h"

#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "fs/locking.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr int f_getlk = 5, f_setlk = 6, f_setlkw = 7;
constexpr int f_ofd_getlk = 36, f_ofd_setlk = 37, f_ofd_setlkw = 38;
constexpr short f_rdlck = 0, f_wrlck = 1, f_unlck = 2;
constexpr int lock_sh = 1, lock_ex = 2, lock_nb = 4, lock_un = 8;
constexpr int program_pid = 1;

// The x86-64 struct flock.
struct LinuxFlock {
    int16_t type;
    int16_t whence;
    int32_t pad0;
    int64_t start;
    int64_t length;
    int32_t pid;
    int32_t pad1;
};
static_assert(sizeof(LinuxFlock) == 32);

struct Range {
    uint64_t start, end;
};

// l_whence, l_start and l_len as a byte range (fcntl(2): a negative l_len reaches back).
ErrorOr<Range> lock_range(InodeFile& file, const LinuxFlock& request) {
    int64_t base;
    switch (request.whence) {
    case seek_set:
        base = 0;
        break;
    case seek_cur:
        base = static_cast<int64_t>(TRY(file.seek(0, seek_cur)));
        break;
    case seek_end: {
        vfs::Attributes attributes;
        TRY(file.inode()->attributes(attributes));
        base = static_cast<int64_t>(attributes.size);
        break;
    }
    default:
        return EINVAL;
    }
    int64_t start;
    if (__builtin_add_overflow(base, request.start, &start))
        return EOVERFLOW;
    if (request.length == 0) {
        if (start < 0)
            return EINVAL;
        return Range{static_cast<uint64_t>(start), file_locks::to_end_of_file};
    }
    int64_t end;
    if (__builtin_add_overflow(start, request.length, &end))
        return EOVERFLOW;
    if (request.length < 0) {
        int64_t low = end;
        end = start;
        start = low;
    }
    if (start < 0)
        return EINVAL;
    return Range{static_cast<uint64_t>(start), static_cast<uint64_t>(end)};
}

ErrorOr<file_locks::LockType> lock_type(int16_t type) {
    switch (type) {
    case f_rdlck:
        return file_locks::LockType::Read;
    case f_wrlck:
        return file_locks::LockType::Write;
    case f_unlck:
        return file_locks::LockType::Unlock;
    default:
        return EINVAL;
    }
}

} // namespace

bool is_lock_command(int command) {
    return command == f_getlk || command == f_setlk || command == f_setlkw ||
           command == f_ofd_getlk || command == f_ofd_setlk || command == f_ofd_setlkw;
}

ErrorOr<long> lock_command(File& file, int command, uint64_t argument) {
    auto request = TRY(read_user<LinuxFlock>(argument));
    // Pipes, sockets and the like take no locks (Linux's fcntl gives EINVAL for an inode it
    // cannot lock, and these have none here).
    if (file.kind() != FileKind::Inode)
        return EINVAL;
    auto& inode_file = static_cast<InodeFile&>(file);
    if (inode_file.is_path_only())
        return EBADF;
    auto type = TRY(lock_type(request.type));
    auto range = TRY(lock_range(inode_file, request));
    bool open_file_lock = command >= f_ofd_getlk;
    // OFD locks want l_pid 0 (fcntl(2)).
    if (open_file_lock && request.pid != 0)
        return EINVAL;
    file_locks::Owner owner =
        open_file_lock ? static_cast<file_locks::Owner>(&file) : file_locks::process_owner;
    const vfs::Inode& inode = *inode_file.inode();
    if (command == f_getlk || command == f_ofd_getlk) {
        if (type == file_locks::LockType::Unlock)
            return EINVAL;
        auto* conflict = locking::find_conflict(locking::Table::Records, inode, owner, type,
                                                range.start, range.end);
        if (!conflict) {
            request.type = f_unlck;
        } else {
            request.type = conflict->type == file_locks::LockType::Write ? f_wrlck : f_rdlck;
            request.whence = seek_set;
            request.start = static_cast<int64_t>(conflict->start);
            request.length = conflict->end == file_locks::to_end_of_file
                                 ? 0
                                 : static_cast<int64_t>(conflict->end - conflict->start);
            request.pid = conflict->owner == file_locks::process_owner ? program_pid : -1;
        }
        TRY(write_user(argument, request));
        return 0;
    }
    // A read lock needs the file open for reading, a write lock for writing (EBADF).
    if (type == file_locks::LockType::Read && !inode_file.is_readable())
        return EBADF;
    if (type == file_locks::LockType::Write && !inode_file.is_writable())
        return EBADF;
    bool wait = command == f_setlkw || command == f_ofd_setlkw;
    TRY(locking::lock(locking::Table::Records, inode, owner, type, range.start, range.end, wait));
    return 0;
}

ErrorOr<long> sys_flock(int fd, int operation) {
    auto file = TRY(fd_table::get_reference(fd));
    file_locks::LockType type;
    switch (operation & ~lock_nb) {
    case lock_sh:
        type = file_locks::LockType::Read;
        break;
    case lock_ex:
        type = file_locks::LockType::Write;
        break;
    case lock_un:
        type = file_locks::LockType::Unlock;
        break;
    default:
        return EINVAL;
    }
    if (file->kind() == FileKind::Inode && static_cast<InodeFile&>(*file).is_path_only())
        return EBADF;
    vfs::Inode* inode = file->inode();
    // flock on a pipe or socket locks nothing another open file could see.
    if (!inode)
        return 0;
    TRY(locking::lock(locking::Table::WholeFile, *inode, file.get(), type, 0,
                      file_locks::to_end_of_file, !(operation & lock_nb)));
    return 0;
}

} // namespace kernel
