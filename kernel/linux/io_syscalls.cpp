// File descriptor calls on any kind of file: read, write, readv, writev, close, dup, fcntl,
// ioctl, fstat. The calls that take paths are in the path syscall files.
#include "fs/fd_table.h"
#include "fs/io_vectors.h"
#include "fs/pipe.h"
#include "lib/utility.h"
#include "linux/lock_syscalls.h"
#include "linux/signals.h"
#include "linux/socket_calls.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int f_dupfd = 0, f_getfd = 1, f_setfd = 2, f_getfl = 3, f_setfl = 4;
constexpr int f_dupfd_cloexec = 1030, f_setpipe_sz = 1031, f_getpipe_sz = 1032;
constexpr int f_add_seals = 1033, f_get_seals = 1034;
constexpr int o_cloexec = 02000000;
constexpr unsigned fionbio = 0x5421;

// Linux sends SIGPIPE to a writer whose reader is gone.
ErrorOr<long> with_broken_pipe_signal(ErrorOr<long> result) {
    if (result.is_error() && result.error().code() == EPIPE)
        signals::raise(signals::sigpipe, scheduler::current());
    return result;
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
    if (const SocketCalls* calls = socket_calls(*file))
        return calls->transfer_vectors(*file, vectors, Writing);
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
    // An AF_UNIX socket writes as send(2) does: SIGPIPE for a stream only, not a seqpacket
    // socket (Linux's unix_dgram_sendmsg answers EPIPE alone).
    if (file->kind() == FileKind::UnixSocket)
        return unix_socket_calls()->sendto(*file, buffer.address, length, 0, 0, 0);
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

namespace {

// F_ADD_SEALS, in Linux's order (memfd_add_seals): EPERM for a descriptor not open for writing,
// EINVAL for unknown seals or a file that takes none, EPERM once F_SEAL_SEAL is set, EBUSY for
// F_SEAL_WRITE while a shared mapping may still write the file.
ErrorOr<long> add_seals(File& file, uint32_t seals) {
    if (file.access_mode() == o_rdonly)
        return EPERM;
    if (seals & ~vfs::seal::all)
        return EINVAL;
    vfs::Inode* inode = file.inode();
    if (!inode)
        return EINVAL;
    uint32_t current = TRY(inode->seals());
    if (current & vfs::seal::seal)
        return EPERM;
    if ((seals & vfs::seal::write) && !(current & vfs::seal::write) &&
        user_address_space().maps_writably(*inode))
        return EBUSY;
    TRY(inode->add_seals(seals));
    return 0;
}

} // namespace

ErrorOr<long> sys_fcntl(int fd, int command, uint64_t argument) {
    File* file = TRY(fd_table::get(fd));
    switch (command) {
    case f_dupfd:
    case f_dupfd_cloexec: {
        // Linux's f_dupfd takes the low 32 bits as unsigned: a negative one is above the limit.
        auto minimum = static_cast<uint32_t>(argument);
        if (minimum >= static_cast<uint32_t>(fd_table::limit()))
            return EINVAL;
        uint32_t flags = command == f_dupfd_cloexec ? fd_table::fd_cloexec : 0;
        return as_syscall_result(fd_table::install(*file, static_cast<int>(minimum), flags));
    }
    case f_getfd:
        return as_syscall_result(fd_table::fd_flags(fd));
    case f_setfd:
        return as_syscall_result(fd_table::set_fd_flags(fd, argument & fd_table::fd_cloexec));
    case f_getfl:
        return file->status_flags() | file->access_mode();
    // Only these change; the rest of the status flags (O_LARGEFILE, O_SYNC) stay as open set them.
    case f_setfl: {
        constexpr uint32_t settable = o_nonblock | o_append;
        file->set_status_flags((file->status_flags() & ~settable) |
                               (static_cast<uint32_t>(argument) & settable));
        return 0;
    }
    case f_get_seals: {
        vfs::Inode* inode = file->inode();
        return inode ? as_syscall_result(inode->seals()) : EINVAL;
    }
    case f_add_seals:
        return add_seals(*file, static_cast<uint32_t>(argument));
    // A pipe's size is fixed: asking for another gets the one it has.
    case f_setpipe_sz:
    case f_getpipe_sz:
        if (file->kind() != FileKind::Pipe)
            return EBADF;
        return static_cast<long>(pipe_capacity);
    default:
        if (is_lock_command(command)) {
            // F_SETLKW may sleep: the file stays while another thread closes the descriptor.
            auto reference = TRY(fd_table::get_reference(fd));
            return lock_command(*reference, command, argument);
        }
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

} // namespace kernel
