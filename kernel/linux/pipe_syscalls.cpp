// pipe, pipe2, eventfd, eventfd2: the files threads of the program signal each other through.
#include "fs/event_fd.h"
#include "fs/fd_table.h"
#include "fs/pipe.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr uint64_t o_cloexec = 02000000;
constexpr uint64_t o_direct = 040000;
constexpr uint64_t efd_semaphore = 1;

uint32_t descriptor_flags(uint64_t flags) {
    return (flags & o_cloexec) ? fd_table::fd_cloexec : 0;
}

// Installs a new file (whose one reference passes to the descriptor table) with the status
// flags asked for.
ErrorOr<int> install_new(File& file, uint64_t flags) {
    file.set_status_flags(static_cast<uint32_t>(flags & o_nonblock));
    auto fd = fd_table::install(file, 0, descriptor_flags(flags));
    file.release();
    return fd;
}

long create_pipe_fds(uint64_t user_fds, uint64_t flags) {
    if (flags & ~(o_cloexec | o_nonblock | o_direct))
        return -EINVAL;
    TRY_SYSCALL(user_range(user_fds, 2 * sizeof(int), Access::Write));
    PipeEnds ends = TRY_SYSCALL(create_pipe());
    ends.writer->retain(); // survives a failure to install the reader
    auto reader = install_new(*ends.reader, flags);
    if (reader.is_error()) {
        ends.writer->release();
        return -static_cast<long>(reader.error().code());
    }
    auto writer = install_new(*ends.writer, flags);
    ends.writer->release();
    if (writer.is_error()) {
        (void)fd_table::close(reader.value());
        return -static_cast<long>(writer.error().code());
    }
    const int fds[2] = {reader.value(), writer.value()};
    TRY_SYSCALL(copy_to_user(user_fds, fds, sizeof fds));
    return 0;
}

long sys_pipe(SyscallFrame& f) {
    return create_pipe_fds(f.rdi, 0);
}

long sys_pipe2(SyscallFrame& f) {
    return create_pipe_fds(f.rdi, f.rsi);
}

long create_event_fd_fd(uint64_t initial_value, uint64_t flags) {
    if (flags & ~(o_cloexec | o_nonblock | efd_semaphore))
        return -EINVAL;
    File* file =
        TRY_SYSCALL(create_event_fd(static_cast<uint32_t>(initial_value), flags & efd_semaphore));
    return to_syscall_result(install_new(*file, flags));
}

long sys_eventfd(SyscallFrame& f) {
    return create_event_fd_fd(f.rdi, 0);
}

long sys_eventfd2(SyscallFrame& f) {
    return create_event_fd_fd(f.rdi, f.rsi);
}

} // namespace

void register_pipe_syscalls() {
    register_syscall(nr::pipe, sys_pipe);
    register_syscall(nr::pipe2, sys_pipe2);
    register_syscall(nr::eventfd, sys_eventfd);
    register_syscall(nr::eventfd2, sys_eventfd2);
}

} // namespace kernel
