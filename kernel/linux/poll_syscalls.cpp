// poll, ppoll, select, pselect6: wait until one of several files is ready. Each watched file
// gets an observer that wakes the caller when the file's readiness changes; the files are then
// looked at again.
#include "fs/fd_table.h"
#include "fs/file_wait.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/syscall_table.h"
#include "linux/wait_arguments.h"
#include "mm/kmalloc.h"

namespace kernel {

namespace {

constexpr uint32_t always_reported = poll_event::error | poll_event::hang_up;
constexpr uint32_t select_read =
    poll_event::in | poll_event::read_normal | poll_event::hang_up | poll_event::error;
constexpr uint32_t select_write = poll_event::out | poll_event::write_normal | poll_event::error;
constexpr uint32_t select_except = poll_event::pri;
constexpr size_t max_fd_set_bits = 1024;

struct LinuxPollFd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

struct LinuxTimeval {
    int64_t seconds;
    int64_t microseconds;
};

// One watched descriptor: the file (held), what is asked of it, and what holds.
struct Watched {
    File* file = nullptr;
    bool invalid = false; // a bad descriptor: POLLNVAL
    uint32_t interest = 0;
    uint32_t ready = 0;
    ThreadWakeObserver observer;
};

// The watched descriptors of one call; they are let go when it ends.
class WatchSet {
public:
    explicit WatchSet(size_t count)
        : m_items(count ? new Watched[count] : nullptr), m_count(count) {}
    ~WatchSet() {
        for (size_t i = 0; i < m_count && m_items; ++i) {
            if (m_items[i].file) {
                Readiness::unsubscribe(m_items[i].observer);
                m_items[i].file->release();
            }
        }
        delete[] m_items;
    }
    WatchSet(const WatchSet&) = delete;
    WatchSet& operator=(const WatchSet&) = delete;

    bool allocated() const { return m_count == 0 || m_items; }
    Watched& operator[](size_t i) { return m_items[i]; }
    size_t size() const { return m_count; }

    // Holds the descriptor's file and watches it for `interest`; false for a bad descriptor.
    bool watch(size_t i, int fd, uint32_t interest) {
        Watched& item = m_items[i];
        auto file = fd_table::get(fd);
        if (file.is_error()) {
            item.invalid = true;
            return false;
        }
        item.file = file.value();
        item.file->retain();
        item.interest = interest;
        item.observer.set_thread(*scheduler::current());
        if (Readiness* readiness = item.file->readiness())
            readiness->subscribe(item.observer);
        return true;
    }

    // Looks at every file; returns how many have something to report.
    size_t scan() {
        size_t count = 0;
        for (size_t i = 0; i < m_count; ++i) {
            Watched& item = m_items[i];
            item.ready = item.invalid ? poll_event::invalid
                         : item.file  ? item.file->poll_events() & item.interest
                                      : 0;
            if (item.ready)
                ++count;
        }
        return count;
    }

    // Waits until some file has something to report or `limit` passes (0 then); EINTR.
    ErrorOr<size_t> wait(const WaitLimit& limit) {
        for (;;) {
            if (size_t count = scan())
                return count;
            scheduler::poll_devices();
            if (size_t count = scan())
                return count;
            if (limit.immediate)
                return static_cast<size_t>(0);
            scheduler::OutsideWait outside; // an event loop: its sockets may hear from outside
            WakeReason reason = scheduler::block(nullptr, limit.deadline_ns);
            if (reason == WakeReason::Interrupted)
                return EINTR;
            if (reason == WakeReason::TimedOut)
                return scan();
        }
    }

private:
    Watched* m_items;
    size_t m_count;
};

ErrorOr<long> do_poll(UserPointer user_fds, unsigned count, const WaitLimit& limit) {
    if (count > static_cast<unsigned>(fd_table::max_descriptors))
        return EINVAL;
    auto* fds = static_cast<LinuxPollFd*>(
        TRY(user_range(user_fds.address, count * sizeof(LinuxPollFd), Access::Write)));
    WatchSet set(count);
    if (!set.allocated())
        return ENOMEM;
    for (size_t i = 0; i < count; ++i) {
        if (fds[i].fd < 0)
            continue;
        uint32_t interest = static_cast<uint16_t>(fds[i].events) | always_reported;
        set.watch(i, fds[i].fd, interest);
    }
    size_t ready = TRY(set.wait(limit));
    // Checked again: while this thread slept, another may have unmapped the array, and a write
    // to it would fault in the kernel.
    fds = static_cast<LinuxPollFd*>(
        TRY(user_range(user_fds.address, count * sizeof(LinuxPollFd), Access::Write)));
    for (size_t i = 0; i < count; ++i)
        fds[i].revents = static_cast<int16_t>(set[i].ready);
    return static_cast<long>(ready);
}

// select's descriptor sets, as many 64-bit words as `count` needs.
using FdSet = uint64_t[max_fd_set_bits / 64];

ErrorOr<long> do_select(int count, const UserPointer (&user_sets)[3], const WaitLimit& limit) {
    if (count < 0)
        return EINVAL;
    size_t fds = min(static_cast<size_t>(count), max_fd_set_bits);
    size_t bytes = (fds + 7) / 8;
    FdSet asked[3] = {};
    for (int s = 0; s < 3; ++s) {
        if (user_sets[s])
            TRY(copy_from_user(asked[s], user_sets[s].address, bytes));
    }
    auto is_set = [](const FdSet& set, size_t fd) { return (set[fd / 64] >> (fd % 64)) & 1; };
    const uint32_t interests[3] = {select_read, select_write, select_except};
    WatchSet set(fds);
    if (!set.allocated())
        return ENOMEM;
    for (size_t fd = 0; fd < fds; ++fd) {
        uint32_t interest = 0;
        for (int s = 0; s < 3; ++s) {
            if (is_set(asked[s], fd))
                interest |= interests[s];
        }
        if (interest && !set.watch(fd, static_cast<int>(fd), interest))
            return EBADF;
    }
    TRY(set.wait(limit));
    FdSet answered[3] = {};
    long ready = 0;
    for (size_t fd = 0; fd < fds; ++fd) {
        for (int s = 0; s < 3; ++s) {
            if (is_set(asked[s], fd) && (set[fd].ready & interests[s])) {
                answered[s][fd / 64] |= 1ull << (fd % 64);
                ++ready;
            }
        }
    }
    for (int s = 0; s < 3; ++s) {
        if (user_sets[s])
            TRY(copy_to_user(user_sets[s].address, answered[s], bytes));
    }
    return ready;
}

// pselect6's sixth argument: the mask and its size, behind one pointer.
struct LinuxSigsetArgument {
    uint64_t mask;
    uint64_t size;
};

} // namespace

ErrorOr<long> sys_poll(UserPointer fds, unsigned count, int timeout) {
    return do_poll(fds, count, WaitLimit::from_milliseconds(timeout));
}

ErrorOr<long> sys_ppoll(UserPointer fds, unsigned count, UserPointer timeout, UserPointer mask,
                        size_t mask_size) {
    WaitLimit limit = TRY(wait_limit_from_timespec(timeout.address));
    TemporarySignalMask temporary_mask;
    TRY(temporary_mask.apply(mask.address, mask_size));
    auto result = do_poll(fds, count, limit);
    if (timeout)
        (void)write_user(timeout.address, ns_to_timespec(limit.remaining_ns()));
    return result;
}

ErrorOr<long> sys_select(int count, UserPointer readable, UserPointer writable,
                         UserPointer exceptional, UserPointer timeout) {
    WaitLimit limit = WaitLimit::forever();
    if (timeout) {
        auto value = TRY(read_user<LinuxTimeval>(timeout.address));
        // As Linux: only negative parts are refused; a million microseconds and more carry.
        if (value.seconds < 0 || value.microseconds < 0)
            return EINVAL;
        uint64_t seconds = static_cast<uint64_t>(value.seconds) +
                           static_cast<uint64_t>(value.microseconds) / 1000000;
        seconds = min<uint64_t>(seconds, UINT64_MAX / clock::ns_per_second / 2);
        limit = WaitLimit::after_ns(seconds * clock::ns_per_second +
                                    static_cast<uint64_t>(value.microseconds) % 1000000 * 1000);
    }
    auto result = do_select(count, {readable, writable, exceptional}, limit);
    if (timeout) {
        uint64_t left = limit.remaining_ns();
        LinuxTimeval remaining{static_cast<int64_t>(left / clock::ns_per_second),
                               static_cast<int64_t>(left % clock::ns_per_second / 1000)};
        (void)write_user(timeout.address, remaining);
    }
    return result;
}

ErrorOr<long> sys_pselect6(int count, UserPointer readable, UserPointer writable,
                           UserPointer exceptional, UserPointer timeout, UserPointer mask) {
    WaitLimit limit = TRY(wait_limit_from_timespec(timeout.address));
    TemporarySignalMask temporary_mask;
    if (mask) {
        auto argument = TRY(read_user<LinuxSigsetArgument>(mask.address));
        TRY(temporary_mask.apply(argument.mask, argument.size));
    }
    auto result = do_select(count, {readable, writable, exceptional}, limit);
    if (timeout)
        (void)write_user(timeout.address, ns_to_timespec(limit.remaining_ns()));
    return result;
}

} // namespace kernel
