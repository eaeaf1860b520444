// The calls that change a file's attributes: chmod, fchmod, fchmodat, chown, fchown, lchown,
// fchownat (the program is root: any owner is accepted), utimensat, utimes, futimesat, utime.
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "linux/path_arguments.h"
#include "linux/syscall_table.h"
#include "linux/timespec.h"
#include "mm/user_memory.h"
#include "time/clock.h"

namespace kernel {

namespace {

constexpr uint32_t unchanged_id = 0xffffffff; // chown's -1
constexpr int64_t utime_now = (1l << 30) - 1, utime_omit = (1l << 30) - 2;

struct LinuxTimeval {
    int64_t seconds;
    int64_t microseconds;
};

vfs::Timestamp now() {
    uint64_t ns = clock::realtime_ns();
    return {static_cast<int64_t>(ns / clock::ns_per_second),
            static_cast<uint32_t>(ns % clock::ns_per_second)};
}

// The inode an attribute call on a descriptor changes: null for a pipe, socket or the like,
// whose attributes are not kept (Linux changes its anonymous inode; nothing reads it back).
ErrorOr<vfs::Inode*> descriptor_inode(int fd) {
    File* file = TRY(fd_table::get(fd));
    if (file->kind() == FileKind::Inode && static_cast<InodeFile*>(file)->is_path_only())
        return EBADF;
    return file->inode();
}

ErrorOr<long> change_mode(vfs::Inode& inode, unsigned mode) {
    vfs::AttributeChange change;
    change.fields = vfs::AttributeChange::Mode;
    change.mode = mode & vfs::permission_mask;
    TRY(inode.change_attributes(change));
    return 0;
}

ErrorOr<long> change_owner(vfs::Inode& inode, unsigned user, unsigned group) {
    vfs::AttributeChange change;
    if (user != unchanged_id) {
        change.fields |= vfs::AttributeChange::Uid;
        change.uid = user;
    }
    if (group != unchanged_id) {
        change.fields |= vfs::AttributeChange::Gid;
        change.gid = group;
    }
    TRY(inode.change_attributes(change));
    return 0;
}

ErrorOr<long> change_owner_at(int directory, UserString path, unsigned user, unsigned group,
                              int flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path))
        return EINVAL;
    auto place = TRY(
        resolve_user_path(directory, path, !(flags & at_symlink_nofollow), flags & at_empty_path));
    return change_owner(place->inode(), user, group);
}

// Access and modification times; `set_*` false leaves one as it is (UTIME_OMIT).
struct TimesChange {
    bool set_access = true, set_modify = true;
    vfs::Timestamp access, modify;
};

ErrorOr<long> change_times(vfs::Inode& inode, const TimesChange& times) {
    vfs::AttributeChange change;
    if (times.set_access) {
        change.fields |= vfs::AttributeChange::AccessTime;
        change.access_time = times.access;
    }
    if (times.set_modify) {
        change.fields |= vfs::AttributeChange::ModifyTime;
        change.modify_time = times.modify;
    }
    if (!change.fields)
        return 0;
    TRY(inode.change_attributes(change));
    return 0;
}

ErrorOr<vfs::Timestamp> timespec_time(const LinuxTimespec& value) {
    if (value.nanoseconds == utime_now)
        return now();
    if (value.nanoseconds < 0 || value.nanoseconds >= static_cast<int64_t>(clock::ns_per_second))
        return EINVAL;
    return vfs::Timestamp{value.seconds, static_cast<uint32_t>(value.nanoseconds)};
}

// utimensat(2)'s times: null is "now" for both; UTIME_NOW and UTIME_OMIT per entry.
ErrorOr<TimesChange> read_timespecs(UserPointer times) {
    TimesChange change;
    if (!times) {
        change.access = change.modify = now();
        return change;
    }
    LinuxTimespec values[2];
    TRY(copy_from_user(values, times.address, sizeof values));
    change.set_access = values[0].nanoseconds != utime_omit;
    change.set_modify = values[1].nanoseconds != utime_omit;
    if (change.set_access)
        change.access = TRY(timespec_time(values[0]));
    if (change.set_modify)
        change.modify = TRY(timespec_time(values[1]));
    return change;
}

// utimes(2)'s struct timeval pair: null is "now".
ErrorOr<TimesChange> read_timevals(UserPointer times) {
    TimesChange change;
    if (!times) {
        change.access = change.modify = now();
        return change;
    }
    LinuxTimeval values[2];
    TRY(copy_from_user(values, times.address, sizeof values));
    for (const LinuxTimeval& value : values)
        if (value.microseconds < 0 || value.microseconds >= 1000000)
            return EINVAL;
    change.access = {values[0].seconds, static_cast<uint32_t>(values[0].microseconds * 1000)};
    change.modify = {values[1].seconds, static_cast<uint32_t>(values[1].microseconds * 1000)};
    return change;
}

ErrorOr<long> times_at(int directory, UserString path, const TimesChange& times, bool follow) {
    auto place = TRY(resolve_user_path(directory, path, follow));
    return change_times(place->inode(), times);
}

} // namespace

ErrorOr<long> sys_chmod(UserString path, unsigned mode) {
    auto place = TRY(resolve_user_path(at_fdcwd, path, true));
    return change_mode(place->inode(), mode);
}

ErrorOr<long> sys_fchmod(int fd, unsigned mode) {
    vfs::Inode* inode = TRY(descriptor_inode(fd));
    return inode ? change_mode(*inode, mode) : ErrorOr<long>(0L);
}

ErrorOr<long> sys_fchmodat(int directory, UserString path, unsigned mode) {
    auto place = TRY(resolve_user_path(directory, path, true));
    return change_mode(place->inode(), mode);
}

ErrorOr<long> sys_chown(UserString path, unsigned user, unsigned group) {
    return change_owner_at(at_fdcwd, path, user, group, 0);
}

ErrorOr<long> sys_lchown(UserString path, unsigned user, unsigned group) {
    return change_owner_at(at_fdcwd, path, user, group, at_symlink_nofollow);
}

ErrorOr<long> sys_fchown(int fd, unsigned user, unsigned group) {
    vfs::Inode* inode = TRY(descriptor_inode(fd));
    return inode ? change_owner(*inode, user, group) : ErrorOr<long>(0L);
}

ErrorOr<long> sys_fchownat(int directory, UserString path, unsigned user, unsigned group,
                           int flags) {
    return change_owner_at(directory, path, user, group, flags);
}

ErrorOr<long> sys_utimensat(int directory, UserString path, UserPointer times, int flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path))
        return EINVAL;
    auto change = TRY(read_timespecs(times));
    // A null path changes the descriptor's own file (futimens).
    if (path.address == 0) {
        if (flags & at_symlink_nofollow)
            return EINVAL;
        if (directory == at_fdcwd)
            return EFAULT;
        vfs::Inode* inode = TRY(descriptor_inode(directory));
        return inode ? change_times(*inode, change) : ErrorOr<long>(0L);
    }
    auto place = TRY(
        resolve_user_path(directory, path, !(flags & at_symlink_nofollow), flags & at_empty_path));
    return change_times(place->inode(), change);
}

ErrorOr<long> sys_utimes(UserString path, UserPointer times) {
    return times_at(at_fdcwd, path, TRY(read_timevals(times)), true);
}

ErrorOr<long> sys_futimesat(int directory, UserString path, UserPointer times) {
    return times_at(directory, path, TRY(read_timevals(times)), true);
}

ErrorOr<long> sys_utime(UserString path, UserPointer times) {
    TimesChange change;
    if (times) {
        int64_t values[2]; // struct utimbuf: actime, modtime
        TRY(copy_from_user(values, times.address, sizeof values));
        change.access = {values[0], 0};
        change.modify = {values[1], 0};
    } else {
        change.access = change.modify = now();
    }
    return times_at(at_fdcwd, path, change, true);
}

} // namespace kernel
