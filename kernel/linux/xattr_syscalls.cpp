// Extended attributes (xattr(7)): the file systems here keep none, and answer as a Linux file
// system without xattr support does: listxattr lists nothing, getxattr, setxattr and
// removexattr are EOPNOTSUPP (which cp -a and Python's shutil.copystat expect and skip).
// Linux's order: the path or descriptor first (ENOENT, EBADF...), then the name (EFAULT; ERANGE
// for an empty one or one past XATTR_NAME_MAX), then the attribute.
#include "fs/fd_table.h"
#include "linux/path_arguments.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr size_t xattr_name_max = 255;
constexpr int xattr_create = 1, xattr_replace = 2;

ErrorOr<void> check_path(UserString path, bool follow) {
    TRY(resolve_user_path(at_fdcwd, path, follow));
    return {};
}

ErrorOr<void> check_descriptor(int fd) {
    TRY(fd_table::get(fd));
    return {};
}

ErrorOr<void> check_name(UserString name) {
    char text[xattr_name_max + 1];
    auto length = copy_string_from_user(text, sizeof text, name.address);
    if (length.is_error())
        return length.error().code() == ENAMETOOLONG ? Error(ERANGE) : length.error();
    if (length.value() == 0)
        return ERANGE;
    return {};
}

// setxattr_copy: unknown flags are EINVAL before the name is read.
ErrorOr<long> set(ErrorOr<void> target, UserString name, int flags) {
    TRY(target);
    if (flags & ~(xattr_create | xattr_replace))
        return EINVAL;
    TRY(check_name(name));
    return ENOTSUP; // Linux's EOPNOTSUPP, the same number
}

ErrorOr<long> get(ErrorOr<void> target, UserString name) {
    TRY(target);
    TRY(check_name(name));
    return ENOTSUP;
}

ErrorOr<long> list(ErrorOr<void> target) {
    TRY(target);
    return 0;
}

} // namespace

ErrorOr<long> sys_setxattr(UserString path, UserString name, UserPointer, size_t, int flags) {
    return set(check_path(path, true), name, flags);
}

ErrorOr<long> sys_lsetxattr(UserString path, UserString name, UserPointer, size_t, int flags) {
    return set(check_path(path, false), name, flags);
}

ErrorOr<long> sys_fsetxattr(int fd, UserString name, UserPointer, size_t, int flags) {
    return set(check_descriptor(fd), name, flags);
}

ErrorOr<long> sys_getxattr(UserString path, UserString name, UserPointer, size_t) {
    return get(check_path(path, true), name);
}

ErrorOr<long> sys_lgetxattr(UserString path, UserString name, UserPointer, size_t) {
    return get(check_path(path, false), name);
}

ErrorOr<long> sys_fgetxattr(int fd, UserString name, UserPointer, size_t) {
    return get(check_descriptor(fd), name);
}

ErrorOr<long> sys_listxattr(UserString path, UserPointer, size_t) {
    return list(check_path(path, true));
}

ErrorOr<long> sys_llistxattr(UserString path, UserPointer, size_t) {
    return list(check_path(path, false));
}

ErrorOr<long> sys_flistxattr(int fd, UserPointer, size_t) {
    return list(check_descriptor(fd));
}

ErrorOr<long> sys_removexattr(UserString path, UserString name) {
    return get(check_path(path, true), name);
}

ErrorOr<long> sys_lremovexattr(UserString path, UserString name) {
    return get(check_path(path, false), name);
}

ErrorOr<long> sys_fremovexattr(int fd, UserString name) {
    return get(check_descriptor(fd), name);
}

} // namespace kernel
