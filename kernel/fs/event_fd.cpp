#include "fs/event_fd.h"

#include "fs/file_wait.h"
#include "lib/string.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr uint64_t max_count = UINT64_MAX - 1;

class EventFd final : public File {
public:
    EventFd(uint64_t count, bool semaphore) : m_count(count), m_semaphore(semaphore) {}

    FileKind kind() const override { return FileKind::EventFd; }
    uint32_t access_mode() const override { return o_rdwr; }
    Readiness* readiness() override { return &m_readiness; }

    uint32_t poll_events() override {
        uint32_t events = 0;
        if (m_count > 0)
            events |= poll_event::in | poll_event::read_normal;
        if (m_count < max_count)
            events |= poll_event::out | poll_event::write_normal;
        return events;
    }

    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override {
        if (length < sizeof(uint64_t))
            return EINVAL;
        TRY(user_range(user_buffer, sizeof(uint64_t), Access::Write));
        return retry_until_ready(*this, poll_event::in, [&]() -> ErrorOr<size_t> {
            if (m_count == 0)
                return EAGAIN;
            uint64_t value = m_semaphore ? 1 : m_count;
            m_count -= value;
            m_readiness.notify(poll_events());
            TRY(write_user(user_buffer, value));
            return sizeof(uint64_t);
        });
    }

    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override {
        if (length < sizeof(uint64_t))
            return EINVAL;
        uint64_t value = TRY(read_user<uint64_t>(user_buffer));
        if (value == UINT64_MAX)
            return EINVAL;
        return retry_until_ready(*this, poll_event::out, [&]() -> ErrorOr<size_t> {
            if (value > max_count - m_count)
                return EAGAIN;
            m_count += value;
            if (value)
                m_readiness.notify(poll_events());
            return sizeof(uint64_t);
        });
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
    uint64_t m_count;
    bool m_semaphore;
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
