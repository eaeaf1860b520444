// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2.
#include "fs/epoll_file.h"
#include "fs/fd_table.h"
#include "fs/file_wait.h"
#include "lib/utility.h"
#include "linux/syscall_table.h"
#include "linux/wait_arguments.h"

namespace kernel {

namespace {

constexpr int epoll_cloexec = 02000000;
constexpr int epoll_ctl_add = 1, epoll_ctl_del = 2, epoll_ctl_mod = 3;
// Linux's bound on maxevents: what fits in INT_MAX bytes.
constexpr uint64_t events_limit = 0x7fffffff / sizeof(EpollEvent);

ErrorOr<long> create_epoll(int flags) {
    auto* epoll = new EpollFile;
    if (!epoll)
        return ENOMEM;
    auto fd = fd_table::install(*epoll, 0, (flags & epoll_cloexec) ? fd_table::fd_cloexec : 0);
    epoll->release();
    return as_syscall_result(move(fd));
}

ErrorOr<EpollFile*> epoll_of(File& file) {
    if (file.kind() != FileKind::Epoll)
        return EINVAL;
    return static_cast<EpollFile*>(&file);
}

ErrorOr<long> wait_on_epoll(int epoll_fd, UserPointer user_events, int capacity,
                            const WaitLimit& limit) {
    if (capacity <= 0 || static_cast<unsigned>(capacity) > events_limit)
        return EINVAL;
    size_t bytes = static_cast<size_t>(capacity) * sizeof(EpollEvent);
    TRY(user_range(user_events.address, bytes, Access::Write));
    auto file = TRY(fd_table::get_reference(epoll_fd));
    EpollFile* epoll = TRY(epoll_of(*file));
    for (;;) {
        // Checked again after every wait: while this thread slept, another may have unmapped
        // the array, and a write to it would fault in the kernel.
        auto* events =
            static_cast<EpollEvent*>(TRY(user_range(user_events.address, bytes, Access::Write)));
        if (size_t count = epoll->collect(events, static_cast<size_t>(capacity)))
            return static_cast<long>(count);
        if (limit.immediate) {
            scheduler::poll_devices();
            return static_cast<long>(epoll->collect(events, static_cast<size_t>(capacity)));
        }
        scheduler::OutsideWait outside; // an event loop: its sockets may hear from outside
        auto waited = wait_for_file_events(*epoll, poll_event::in, limit.deadline_ns);
        if (waited.is_error()) {
            if (waited.error().code() == ETIMEDOUT)
                return 0;
            return waited.error();
        }
    }
}

} // namespace

ErrorOr<long> sys_epoll_create(int size) {
    if (size <= 0)
        return EINVAL;
    return create_epoll(0);
}

ErrorOr<long> sys_epoll_create1(int flags) {
    if (flags & ~epoll_cloexec)
        return EINVAL;
    return create_epoll(flags);
}

ErrorOr<long> sys_epoll_ctl(int epoll_fd, int operation, int fd, UserPointer user_event) {
    auto epoll_file = TRY(fd_table::get_reference(epoll_fd));
    auto target = TRY(fd_table::get_reference(fd));
    EpollFile* epoll = TRY(epoll_of(*epoll_file));
    if (fd == epoll_fd)
        return EINVAL;
    EpollEvent event{};
    if (operation != epoll_ctl_del)
        event = TRY(read_user<EpollEvent>(user_event.address));
    switch (operation) {
    case epoll_ctl_add:
        return as_syscall_result(epoll->add(*target, fd, event));
    case epoll_ctl_mod:
        return as_syscall_result(epoll->modify(*target, fd, event));
    case epoll_ctl_del:
        return as_syscall_result(epoll->remove(*target, fd));
    default:
        return EINVAL;
    }
}

ErrorOr<long> sys_epoll_wait(int fd, UserPointer events, int max_events, int timeout) {
    return wait_on_epoll(fd, events, max_events, WaitLimit::from_milliseconds(timeout));
}

ErrorOr<long> sys_epoll_pwait(int fd, UserPointer events, int max_events, int timeout,
                              UserPointer mask, size_t mask_size) {
    TemporarySignalMask temporary_mask;
    TRY(temporary_mask.apply(mask.address, mask_size));
    return wait_on_epoll(fd, events, max_events, WaitLimit::from_milliseconds(timeout));
}

ErrorOr<long> sys_epoll_pwait2(int fd, UserPointer events, int max_events, UserPointer timeout,
                               UserPointer mask, size_t mask_size) {
    WaitLimit limit = TRY(wait_limit_from_timespec(timeout.address));
    TemporarySignalMask temporary_mask;
    TRY(temporary_mask.apply(mask.address, mask_size));
    return wait_on_epoll(fd, events, max_events, limit);
}

} // namespace kernel
