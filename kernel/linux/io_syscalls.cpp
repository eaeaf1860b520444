// File descriptor calls. There is no file system yet: paths do not resolve, except the few
// names a C library asks about at start-up.
#include "fs/fd_table.h"
#include "fs/io_vectors.h"
#include "fs/pipe.h"
#include "fs/socket_file.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/program_identity.h"
#include "linux/signals.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int at_fdcwd = -100;
constexpr int at_empty_path = 0x1000;
constexpr int f_dupfd = 0, f_getfd = 1, f_setfd = 2, f_getfl = 3, f_setfl = 4;
constexpr int f_dupfd_cloexec = 1030, f_setpipe_sz = 1031, f_getpipe_sz = 1032;
constexpr int o_cloexec = 02000000;
constexpr unsigned fionbio = 0x5421;

// Linux sends SIGPIPE to a writer whose reader is gone.
ErrorOr<long> with_broken_pipe_signal(ErrorOr<long> result) {
    if (result.is_error() && result.error().code() == EPIPE)
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
}

// A socket moves a datagram whole across the buffers, as sendmsg/recvmsg do.
template <bool Writing>
ErrorOr<long> transfer_socket_vector(SocketFile& socket, IoVectors& vectors) {
    if (Writing)
        return with_broken_pipe_signal(as_syscall_result(socket.send_vectors(vectors, 0, nullptr)));
    auto receipt = TRY(socket.receive_vectors(vectors, 0));
    return static_cast<long>(receipt.copied);
}

template <bool Writing>
ErrorOr<long> transfer_vector(int fd, UserPointer user_vectors, uint64_t count) {
    auto file = TRY(fd_table::get_reference(fd));
    if (count > max_io_vectors)
        return EINVAL;
    // Every vector is checked before any byte moves, as Linux's import_iovec does.
    IoVectors vectors;
    TRY(read_io_vectors(user_vectors.address, count, Writing ? Access::Read : Access::Write,
                        vectors));
    if (file->kind() == FileKind::Socket)
        return transfer_socket_vector<Writing>(static_cast<SocketFile&>(*file), vectors);
    size_t total = 0;
    for (size_t i = 0; i < vectors.count; ++i) {
        const IoVector& vector = vectors.vectors[i];
        if (vector.length == 0)
            continue;
        // Once some bytes were read, a read returns them rather than wait for more.
        constexpr uint32_t readable = poll_event::in | poll_event::hang_up | poll_event::error;
        if (!Writing && total && !(file->poll_events() & readable))
            break;
        auto done = Writing ? file->write(vector.base, vector.length)
                            : file->read(vector.base, vector.length);
        if (done.is_error()) {
            if (total)
                return static_cast<long>(total);
            if (Writing)
                return with_broken_pipe_signal(done.error());
            return done.error();
        }
        total += done.value();
        if (done.value() < vector.length)
            break;
    }
    return static_cast<long>(total);
}

ErrorOr<long> duplicate_to(int old_fd, int new_fd, uint32_t flags) {
    File* file = TRY(fd_table::get(old_fd));
    if (old_fd == new_fd)
        return new_fd;
    TRY(fd_table::install_at(*file, new_fd, flags));
    return new_fd;
}

ErrorOr<long> stat_file(int fd, UserPointer user_stat) {
    File* file = TRY(fd_table::get(fd));
    LinuxStat stat;
    TRY(file->stat(stat));
    return as_syscall_result(write_user(user_stat.address, stat));
}

ErrorOr<long> no_such_path(UserString user_path) {
    char path[256];
    TRY(copy_string_from_user(path, sizeof path, user_path.address));
    return ENOENT;
}

ErrorOr<long> read_link(UserString user_path, UserPointer buffer, int size) {
    // Linux's do_readlinkat refuses the size before it looks at the path.
    if (size <= 0)
        return EINVAL;
    char path[256];
    TRY(copy_string_from_user(path, sizeof path, user_path.address));
    if (!string_equals(path, "/proc/self/exe"))
        return ENOENT;
    const char* target = program_path();
    size_t length = min(strlen(target), static_cast<size_t>(size));
    TRY(copy_to_user(buffer.address, target, length));
    return static_cast<long>(length);
}

} // namespace

// The count of read and write is checked and clamped as Linux's vfs_read/vfs_write do.
ErrorOr<long> sys_read(int fd, UserPointer buffer, size_t count) {
    auto file = TRY(fd_table::get_reference(fd));
    size_t length = TRY(transfer_length(buffer.address, count));
    return as_syscall_result(file->read(buffer.address, length));
}

ErrorOr<long> sys_write(int fd, UserPointer buffer, size_t count) {
    auto file = TRY(fd_table::get_reference(fd));
    size_t length = TRY(transfer_length(buffer.address, count));
    return with_broken_pipe_signal(as_syscall_result(file->write(buffer.address, length)));
}

ErrorOr<long> sys_readv(int fd, UserPointer vectors, uint64_t count) {
    return transfer_vector<false>(fd, vectors, count);
}

ErrorOr<long> sys_writev(int fd, UserPointer vectors, uint64_t count) {
    return transfer_vector<true>(fd, vectors, count);
}

ErrorOr<long> sys_close(int fd) {
    return as_syscall_result(fd_table::close(fd));
}

ErrorOr<long> sys_lseek(int fd, long, unsigned) {
    TRY(fd_table::get(fd));
    return ESPIPE;
}

ErrorOr<long> sys_dup(int fd) {
    File* file = TRY(fd_table::get(fd));
    return as_syscall_result(fd_table::install(*file, 0, 0));
}

ErrorOr<long> sys_dup2(int old_fd, int new_fd) {
    return duplicate_to(old_fd, new_fd, 0);
}

ErrorOr<long> sys_dup3(int old_fd, int new_fd, int flags) {
    if (old_fd == new_fd || (flags & ~o_cloexec))
        return EINVAL;
    return duplicate_to(old_fd, new_fd, (flags & o_cloexec) ? fd_table::fd_cloexec : 0);
}

ErrorOr<long> sys_fcntl(int fd, int command, uint64_t argument) {
    File* file = TRY(fd_table::get(fd));
    switch (command) {
    case f_dupfd:
        return as_syscall_result(fd_table::install(*file, static_cast<int>(argument), 0));
    case f_dupfd_cloexec:
        return as_syscall_result(
            fd_table::install(*file, static_cast<int>(argument), fd_table::fd_cloexec));
    case f_getfd:
        return as_syscall_result(fd_table::fd_flags(fd));
    case f_setfd:
        return as_syscall_result(fd_table::set_fd_flags(fd, argument & fd_table::fd_cloexec));
    case f_getfl:
        return file->status_flags() | file->access_mode();
    case f_setfl:
        file->set_status_flags(static_cast<uint32_t>(argument) & (o_nonblock | o_append));
        return 0;
    // A pipe's size is fixed: asking for another gets the one it has.
    case f_setpipe_sz:
    case f_getpipe_sz:
        if (file->kind() != FileKind::Pipe)
            return EBADF;
        return static_cast<long>(pipe_capacity);
    default:
        return EINVAL;
    }
}

ErrorOr<long> sys_ioctl(int fd, unsigned request, uint64_t argument) {
    auto file = TRY(fd_table::get_reference(fd));
    // FIONBIO, as fcntl's O_NONBLOCK: every kind of file takes it.
    if (request == fionbio) {
        int nonblocking = TRY(read_user<int>(argument));
        uint32_t flags = file->status_flags() & ~o_nonblock;
        file->set_status_flags(nonblocking ? flags | o_nonblock : flags);
        return 0;
    }
    return as_syscall_result(file->ioctl(request, argument));
}

ErrorOr<long> sys_fstat(int fd, UserPointer stat) {
    return stat_file(fd, stat);
}

ErrorOr<long> sys_newfstatat(int directory, UserString user_path, UserPointer stat, int flags) {
    char path[256];
    TRY(copy_string_from_user(path, sizeof path, user_path.address));
    if (path[0] == 0 && (flags & at_empty_path))
        return stat_file(directory, stat);
    return ENOENT;
}

ErrorOr<long> sys_openat(int, UserString path, int, unsigned) {
    return no_such_path(path);
}

ErrorOr<long> sys_open(UserString path, int, unsigned) {
    return no_such_path(path);
}

ErrorOr<long> sys_stat(UserString path, UserPointer) {
    return no_such_path(path);
}

ErrorOr<long> sys_lstat(UserString path, UserPointer) {
    return no_such_path(path);
}

ErrorOr<long> sys_access(UserString path, int) {
    return no_such_path(path);
}

ErrorOr<long> sys_faccessat(int, UserString path, int) {
    return no_such_path(path);
}

ErrorOr<long> sys_faccessat2(int, UserString path, int, int) {
    return no_such_path(path);
}

ErrorOr<long> sys_readlink(UserString path, UserPointer buffer, int size) {
    return read_link(path, buffer, size);
}

ErrorOr<long> sys_readlinkat(int directory, UserString path, UserPointer buffer, int size) {
    if (directory != at_fdcwd)
        TRY(fd_table::get(directory));
    return read_link(path, buffer, size);
}

ErrorOr<long> sys_getcwd(UserPointer buffer, size_t size) {
    if (size < 2)
        return ERANGE;
    TRY(copy_to_user(buffer.address, "/", 2));
    return 2;
}

ErrorOr<long> sys_chdir(UserString user_path) {
    char path[256];
    TRY(copy_string_from_user(path, sizeof path, user_path.address));
    if (!string_equals(path, "/"))
        return ENOENT;
    return 0;
}

} // namespace kernel
