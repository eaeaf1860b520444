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
constexpr uint64_t at_empty_path = 0x1000;
constexpr int f_dupfd = 0, f_getfd = 1, f_setfd = 2, f_getfl = 3, f_setfl = 4;
constexpr int f_dupfd_cloexec = 1030, f_setpipe_sz = 1031, f_getpipe_sz = 1032;
constexpr uint32_t o_cloexec = 02000000;
constexpr uint32_t fionbio = 0x5421;

// The count of read and write is checked and clamped as Linux's vfs_read/vfs_write do.
long sys_read(SyscallFrame& f) {
    auto file = TRY_SYSCALL(fd_table::get_reference(static_cast<int>(f.rdi)));
    size_t length = TRY_SYSCALL(transfer_length(f.rsi, f.rdx));
    return to_syscall_result(file->read(f.rsi, length));
}

// Linux sends SIGPIPE to a writer whose reader is gone.
long with_broken_pipe_signal(long result) {
    if (result == -EPIPE)
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
}

long sys_write(SyscallFrame& f) {
    auto file = TRY_SYSCALL(fd_table::get_reference(static_cast<int>(f.rdi)));
    size_t length = TRY_SYSCALL(transfer_length(f.rsi, f.rdx));
    return with_broken_pipe_signal(to_syscall_result(file->write(f.rsi, length)));
}

// A socket moves a datagram whole across the buffers, as sendmsg/recvmsg do.
template <bool Writing> long transfer_socket_vector(SocketFile& socket, IoVectors& vectors) {
    if (Writing)
        return with_broken_pipe_signal(to_syscall_result(socket.send_vectors(vectors, 0, nullptr)));
    auto receipt = TRY_SYSCALL(socket.receive_vectors(vectors, 0));
    return static_cast<long>(receipt.copied);
}

template <bool Writing> long transfer_vector(SyscallFrame& f) {
    auto file = TRY_SYSCALL(fd_table::get_reference(static_cast<int>(f.rdi)));
    if (f.rdx > max_io_vectors)
        return -EINVAL;
    // Every vector is checked before any byte moves, as Linux's import_iovec does.
    IoVectors vectors;
    TRY_SYSCALL(read_io_vectors(f.rsi, f.rdx, Writing ? Access::Read : Access::Write, vectors));
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
            long error = -static_cast<long>(done.error().code());
            return Writing ? with_broken_pipe_signal(error) : error;
        }
        total += done.value();
        if (done.value() < vector.length)
            break;
    }
    return static_cast<long>(total);
}

long sys_close(SyscallFrame& f) {
    return to_syscall_result(fd_table::close(static_cast<int>(f.rdi)));
}

long sys_lseek(SyscallFrame& f) {
    TRY_SYSCALL(fd_table::get(static_cast<int>(f.rdi)));
    return -ESPIPE;
}

long sys_dup(SyscallFrame& f) {
    File* file = TRY_SYSCALL(fd_table::get(static_cast<int>(f.rdi)));
    return to_syscall_result(fd_table::install(*file, 0, 0));
}

long duplicate_to(int old_fd, int new_fd, uint32_t flags) {
    File* file = TRY_SYSCALL(fd_table::get(old_fd));
    if (old_fd == new_fd)
        return new_fd;
    TRY_SYSCALL(fd_table::install_at(*file, new_fd, flags));
    return new_fd;
}

long sys_dup2(SyscallFrame& f) {
    return duplicate_to(static_cast<int>(f.rdi), static_cast<int>(f.rsi), 0);
}

long sys_dup3(SyscallFrame& f) {
    if (f.rdi == f.rsi || (f.rdx & ~static_cast<uint64_t>(o_cloexec)))
        return -EINVAL;
    return duplicate_to(static_cast<int>(f.rdi), static_cast<int>(f.rsi),
                        (f.rdx & o_cloexec) ? fd_table::fd_cloexec : 0);
}

long sys_fcntl(SyscallFrame& f) {
    int fd = static_cast<int>(f.rdi);
    File* file = TRY_SYSCALL(fd_table::get(fd));
    switch (static_cast<int>(f.rsi)) {
    case f_dupfd:
        return to_syscall_result(fd_table::install(*file, static_cast<int>(f.rdx), 0));
    case f_dupfd_cloexec:
        return to_syscall_result(
            fd_table::install(*file, static_cast<int>(f.rdx), fd_table::fd_cloexec));
    case f_getfd:
        return to_syscall_result(fd_table::fd_flags(fd));
    case f_setfd:
        return to_syscall_result(fd_table::set_fd_flags(fd, f.rdx & fd_table::fd_cloexec));
    case f_getfl:
        return file->status_flags() | file->access_mode();
    case f_setfl:
        file->set_status_flags(static_cast<uint32_t>(f.rdx) & (o_nonblock | o_append));
        return 0;
    // A pipe's size is fixed: asking for another gets the one it has.
    case f_setpipe_sz:
    case f_getpipe_sz:
        return file->kind() == FileKind::Pipe ? static_cast<long>(pipe_capacity) : -EBADF;
    default:
        return -EINVAL;
    }
}

long sys_ioctl(SyscallFrame& f) {
    auto file = TRY_SYSCALL(fd_table::get_reference(static_cast<int>(f.rdi)));
    uint32_t request = static_cast<uint32_t>(f.rsi);
    // FIONBIO, as fcntl's O_NONBLOCK: every kind of file takes it.
    if (request == fionbio) {
        int nonblocking = TRY_SYSCALL(read_user<int>(f.rdx));
        uint32_t flags = file->status_flags() & ~o_nonblock;
        file->set_status_flags(nonblocking ? flags | o_nonblock : flags);
        return 0;
    }
    return to_syscall_result(file->ioctl(request, f.rdx));
}

long stat_file(int fd, uint64_t user_stat) {
    File* file = TRY_SYSCALL(fd_table::get(fd));
    LinuxStat stat;
    TRY_SYSCALL(file->stat(stat));
    return to_syscall_result(write_user(user_stat, stat));
}

long sys_fstat(SyscallFrame& f) {
    return stat_file(static_cast<int>(f.rdi), f.rsi);
}

long sys_newfstatat(SyscallFrame& f) {
    char path[256];
    TRY_SYSCALL(copy_string_from_user(path, sizeof path, f.rsi));
    if (path[0] == 0 && (f.r10 & at_empty_path))
        return stat_file(static_cast<int>(f.rdi), f.rdx);
    return -ENOENT;
}

long no_such_path(uint64_t user_path) {
    char path[256];
    TRY_SYSCALL(copy_string_from_user(path, sizeof path, user_path));
    return -ENOENT;
}

long sys_openat(SyscallFrame& f) {
    return no_such_path(f.rsi);
}
long sys_open(SyscallFrame& f) {
    return no_such_path(f.rdi);
}
long sys_stat(SyscallFrame& f) {
    return no_such_path(f.rdi);
}
long sys_access(SyscallFrame& f) {
    return no_such_path(f.rdi);
}
long sys_faccessat(SyscallFrame& f) {
    return no_such_path(f.rsi);
}

long read_link(uint64_t user_path, uint64_t buffer, uint64_t size) {
    char path[256];
    TRY_SYSCALL(copy_string_from_user(path, sizeof path, user_path));
    if (!string_equals(path, "/proc/self/exe"))
        return -ENOENT;
    const char* target = program_path();
    size_t length = min(strlen(target), static_cast<size_t>(size));
    TRY_SYSCALL(copy_to_user(buffer, target, length));
    return static_cast<long>(length);
}

long sys_readlink(SyscallFrame& f) {
    return read_link(f.rdi, f.rsi, f.rdx);
}

long sys_readlinkat(SyscallFrame& f) {
    if (static_cast<int>(f.rdi) != at_fdcwd)
        TRY_SYSCALL(fd_table::get(static_cast<int>(f.rdi)));
    return read_link(f.rsi, f.rdx, f.r10);
}

long sys_getcwd(SyscallFrame& f) {
    if (f.rsi < 2)
        return -ERANGE;
    TRY_SYSCALL(copy_to_user(f.rdi, "/", 2));
    return 2;
}

long sys_chdir(SyscallFrame& f) {
    char path[256];
    TRY_SYSCALL(copy_string_from_user(path, sizeof path, f.rdi));
    return string_equals(path, "/") ? 0 : -ENOENT;
}

} // namespace

void register_io_syscalls() {
    register_syscall(nr::read, sys_read);
    register_syscall(nr::write, sys_write);
    register_syscall(nr::readv, transfer_vector<false>);
    register_syscall(nr::writev, transfer_vector<true>);
    register_syscall(nr::close, sys_close);
    register_syscall(nr::lseek, sys_lseek);
    register_syscall(nr::dup, sys_dup);
    register_syscall(nr::dup2, sys_dup2);
    register_syscall(nr::dup3, sys_dup3);
    register_syscall(nr::fcntl, sys_fcntl);
    register_syscall(nr::ioctl, sys_ioctl);
    register_syscall(nr::fstat, sys_fstat);
    register_syscall(nr::newfstatat, sys_newfstatat);
    register_syscall(nr::openat, sys_openat);
    register_syscall(nr::open, sys_open);
    register_syscall(nr::stat, sys_stat);
    register_syscall(nr::lstat, sys_stat);
    register_syscall(nr::access, sys_access);
    register_syscall(nr::faccessat, sys_faccessat);
    register_syscall(nr::faccessat2, sys_faccessat);
    register_syscall(nr::readlink, sys_readlink);
    register_syscall(nr::readlinkat, sys_readlinkat);
    register_syscall(nr::getcwd, sys_getcwd);
    register_syscall(nr::chdir, sys_chdir);
}

} // namespace kernel
