// pipe, pipe2, eventfd, eventfd2: the files threads of the program signal each other through.
#include "fs/event_fd.h"
#include "fs/fd_table.h"
#include "fs/pipe.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr int o_cloexec = 02000000;
constexpr int o_direct = 040000;
constexpr int efd_semaphore = 1;

uint32_t descriptor_flags(int flags) {
    return (flags & o_cloexec) ? fd_table::fd_cloexec : 0;
}

// Installs a new file (whose one reference passes to the descriptor table) with the status
// flags asked for.
ErrorOr<int> install_new(File& file, int flags) {
    file.set_status_flags(static_cast<uint32_t>(flags & o_nonblock));
    auto fd = fd_table::install(file, 0, descriptor_flags(flags));
    file.release();
    return fd;
}

ErrorOr<long> create_pipe_fds(UserPointer user_fds, int flags) {
    if (flags & ~(o_cloexec | o_nonblock | o_direct))
        return EINVAL;
    TRY(user_range(user_fds.address, 2 * sizeof(int), Access::Write));
    PipeEnds ends = TRY(create_pipe());
    ends.writer->retain(); // survives a failure to install the reader
    auto reader = install_new(*ends.reader, flags);
    if (reader.is_error()) {
        ends.writer->release();
        return reader.error();
    }
    auto writer = install_new(*ends.writer, flags);
    ends.writer->release();
    if (writer.is_error()) {
        (void)fd_table::close(reader.value());
        return writer.error();
    }
    const int fds[2] = {reader.value(), writer.value()};
    TRY(copy_to_user(user_fds.address, fds, sizeof fds));
    return 0;
}

ErrorOr<long> create_event_fd_fd(unsigned initial_value, int flags) {
    if (flags & ~(o_cloexec | o_nonblock | efd_semaphore))
        return EINVAL;
    File* file = TRY(create_event_fd(initial_value, flags & efd_semaphore));
    return as_syscall_result(install_new(*file, flags));
}

} // namespace

ErrorOr<long> sys_pipe(UserPointer fds) {
    return create_pipe_fds(fds, 0);
}

ErrorOr<long> sys_pipe2(UserPointer fds, int flags) {
    return create_pipe_fds(fds, flags);
}

ErrorOr<long> sys_eventfd(unsigned initial) {
    return create_event_fd_fd(initial, 0);
}

ErrorOr<long> sys_eventfd2(unsigned initial, int flags) {
    return create_event_fd_fd(initial, flags);
}

} // namespace kernel
