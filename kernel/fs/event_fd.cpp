#include "fs/event_fd.h"

#include "fs/event_counter.h"
#include "fs/file_wait.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

class EventFd final : public File {
public:
    EventFd(uint64_t count, bool semaphore) : m_counter(count, semaphore) {}

    FileKind kind() const override { return FileKind::EventFd; }
    uint32_t access_mode() const override { return o_rdwr; }
    Readiness* readiness() override { return &m_readiness; }
    uint32_t poll_events() override { return m_counter.poll_events(); }

    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override {
        if (length < sizeof(uint64_t))
            return EINVAL;
        TRY(user_range(user_buffer, sizeof(uint64_t), Access::Write));
        return retry_until_ready(*this, poll_event::in, [&]() -> ErrorOr<size_t> {
            uint64_t value = m_counter.take();
            if (value == 0)
                return EAGAIN;
            m_readiness.notify(poll_events());
            TRY(write_user(user_buffer, value));
            return sizeof(uint64_t);
        });
    }

    // eventfd(2): a write that would overflow the counter blocks until a read makes room, or
    // fails with EAGAIN when non-blocking. POLLOUT only promises room for 1, so a blocked
    // writer waits for the counter to change, not for POLLOUT (which may hold all along).
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override {
        if (length < sizeof(uint64_t))
            return EINVAL;
        uint64_t value = TRY(read_user<uint64_t>(user_buffer));
        if (value == UINT64_MAX)
            return EINVAL;
        while (!m_counter.add(value)) {
            if (is_nonblocking())
                return EAGAIN;
            TRY(wait_for_change());
        }
        if (value)
            m_readiness.notify(poll_events());
        return sizeof(uint64_t);
    }

    size_t describe(char* buffer, size_t capacity) override {
        return format_within(buffer, capacity, "anon_inode:[eventfd]");
    }
    ErrorOr<void> stat(LinuxStat& stat) override {
        memset(&stat, 0, sizeof stat);
        stat.st_mode = 0600; // an anonymous inode has no file type
        stat.st_nlink = 1;
        stat.st_blksize = 4096;
        return {};
    }

    ErrorOr<long> ioctl(uint32_t, uint64_t) override { return ENOTTY; }

private:
    // Sleeps until the counter changes (a read or a write notifies) or a signal is to be
    // delivered (EINTR).
    ErrorOr<void> wait_for_change() {
        ThreadWakeObserver observer(*scheduler::current());
        ReadinessSubscription subscription(&m_readiness, observer);
        if (scheduler::block(nullptr, scheduler::no_deadline) == WakeReason::Interrupted)
            return EINTR;
        return {};
    }

    EventCounter m_counter;
    Readiness m_readiness;
};

} // namespace

ErrorOr<File*> create_event_fd(uint64_t initial_value, bool semaphore) {
    File* file = new EventFd(initial_value, semaphore);
    if (!file)
        return ENOMEM;
    return file;
}

} // namespace kernel
