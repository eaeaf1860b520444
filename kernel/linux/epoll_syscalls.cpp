// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2.
#include "fs/epoll_file.h"
#include "fs/fd_table.h"
#include "fs/file_wait.h"
#include "lib/utility.h"
#include "linux/syscall_table.h"
#include "linux/wait_arguments.h"

namespace kernel {

namespace {

constexpr uint64_t epoll_cloexec = 02000000;
constexpr int epoll_ctl_add = 1, epoll_ctl_del = 2, epoll_ctl_mod = 3;
// Linux's bound on maxevents: what fits in INT_MAX bytes.
constexpr uint64_t max_events = 0x7fffffff / sizeof(EpollEvent);

long create_epoll(uint64_t flags) {
    auto* epoll = new EpollFile;
    if (!epoll)
        return -ENOMEM;
    auto fd = fd_table::install(*epoll, 0, (flags & epoll_cloexec) ? fd_table::fd_cloexec : 0);
    epoll->release();
    return to_syscall_result(move(fd));
}

long sys_epoll_create(SyscallFrame& f) {
    if (static_cast<int>(f.rdi) <= 0)
        return -EINVAL;
    return create_epoll(0);
}

long sys_epoll_create1(SyscallFrame& f) {
    if (f.rdi & ~epoll_cloexec)
        return -EINVAL;
    return create_epoll(f.rdi);
}

ErrorOr<EpollFile*> epoll_of(File& file) {
    if (file.kind() != FileKind::Epoll)
        return EINVAL;
    return static_cast<EpollFile*>(&file);
}

long sys_epoll_ctl(SyscallFrame& f) {
    int epoll_fd = static_cast<int>(f.rdi);
    int operation = static_cast<int>(f.rsi);
    int fd = static_cast<int>(f.rdx);
    auto epoll_file = TRY_SYSCALL(fd_table::get_reference(epoll_fd));
    auto target = TRY_SYSCALL(fd_table::get_reference(fd));
    EpollFile* epoll = TRY_SYSCALL(epoll_of(*epoll_file));
    if (fd == epoll_fd)
        return -EINVAL;
    EpollEvent event{};
    if (operation != epoll_ctl_del)
        event = TRY_SYSCALL(read_user<EpollEvent>(f.r10));
    switch (operation) {
    case epoll_ctl_add:
        return to_syscall_result(epoll->add(*target, fd, event));
    case epoll_ctl_mod:
        return to_syscall_result(epoll->modify(*target, fd, event));
    case epoll_ctl_del:
        return to_syscall_result(epoll->remove(*target, fd));
    default:
        return -EINVAL;
    }
}

long wait_on_epoll(int epoll_fd, uint64_t user_events, uint64_t capacity, const WaitLimit& limit) {
    if (capacity == 0 || capacity > max_events)
        return -EINVAL;
    TRY_SYSCALL(user_range(user_events, capacity * sizeof(EpollEvent), Access::Write));
    auto file = TRY_SYSCALL(fd_table::get_reference(epoll_fd));
    EpollFile* epoll = TRY_SYSCALL(epoll_of(*file));
    for (;;) {
        // Checked again after every wait: while this thread slept, another may have unmapped
        // the array, and a write to it would fault in the kernel.
        auto* events = static_cast<EpollEvent*>(
            TRY_SYSCALL(user_range(user_events, capacity * sizeof(EpollEvent), Access::Write)));
        if (size_t count = epoll->collect(events, capacity))
            return static_cast<long>(count);
        if (limit.immediate) {
            scheduler::poll_devices();
            return static_cast<long>(epoll->collect(events, capacity));
        }
        auto waited = wait_for_file_events(*epoll, poll_event::in, limit.deadline_ns);
        if (waited.is_error())
            return waited.error().code() == ETIMEDOUT ? 0
                                                      : -static_cast<long>(waited.error().code());
    }
}

long sys_epoll_wait(SyscallFrame& f) {
    return wait_on_epoll(static_cast<int>(f.rdi), f.rsi, f.rdx,
                         WaitLimit::from_milliseconds(static_cast<int>(f.r10)));
}

long sys_epoll_pwait(SyscallFrame& f) {
    TemporarySignalMask mask;
    TRY_SYSCALL(mask.apply(f.r8, f.r9));
    return wait_on_epoll(static_cast<int>(f.rdi), f.rsi, f.rdx,
                         WaitLimit::from_milliseconds(static_cast<int>(f.r10)));
}

long sys_epoll_pwait2(SyscallFrame& f) {
    WaitLimit limit = TRY_SYSCALL(wait_limit_from_timespec(f.r10));
    TemporarySignalMask mask;
    TRY_SYSCALL(mask.apply(f.r8, f.r9));
    return wait_on_epoll(static_cast<int>(f.rdi), f.rsi, f.rdx, limit);
}

} // namespace

void register_epoll_syscalls() {
    register_syscall(nr::epoll_create, sys_epoll_create);
    register_syscall(nr::epoll_create1, sys_epoll_create1);
    register_syscall(nr::epoll_ctl, sys_epoll_ctl);
    register_syscall(nr::epoll_wait, sys_epoll_wait);
    register_syscall(nr::epoll_pwait, sys_epoll_pwait);
    register_syscall(nr::epoll_pwait2, sys_epoll_pwait2);
}

} // namespace kernel
