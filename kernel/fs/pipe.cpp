#include "fs/pipe.h"

#include "fs/file_wait.h"
#include "fs/pipe_buffer.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr uint32_t fionread = 0x541b;

struct Pipe {
    explicit Pipe(uint8_t* storage) : storage(storage), buffer(storage, pipe_capacity) {}
    ~Pipe() { kfree(storage); }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;

    uint8_t* storage;
    PipeBuffer buffer;
    uint32_t readers = 1;
    uint32_t writers = 1;
    Readiness read_side;
    Readiness write_side;

    uint32_t reader_events() const {
        uint32_t events = 0;
        if (!buffer.is_empty())
            events |= poll_event::in | poll_event::read_normal;
        if (writers == 0)
            events |= poll_event::hang_up;
        return events;
    }
    uint32_t writer_events() const {
        uint32_t events = 0;
        if (buffer.free_space() >= pipe_atomic_write)
            events |= poll_event::out | poll_event::write_normal;
        if (readers == 0)
            events |= poll_event::error;
        return events;
    }
    void changed() {
        read_side.notify(reader_events());
        write_side.notify(writer_events());
    }
    // The last end gone frees the pipe.
    void end_closed() {
        if (readers == 0 && writers == 0)
            delete this;
        else
            changed();
    }
};

uint64_t pipe_inode(const Pipe& pipe) {
    return reinterpret_cast<uint64_t>(&pipe) >> 4;
}

size_t pipe_describe(char* buffer, size_t capacity, const Pipe& pipe) {
    return format_within(buffer, capacity, "pipe:[%llu]",
                         static_cast<unsigned long long>(pipe_inode(pipe)));
}

ErrorOr<void> pipe_stat(LinuxStat& stat, const Pipe& pipe) {
    memset(&stat, 0, sizeof stat);
    stat.st_mode = 010600; // S_IFIFO
    stat.st_nlink = 1;
    stat.st_ino = pipe_inode(pipe);
    stat.st_blksize = pipe_atomic_write;
    return {};
}

ErrorOr<long> pipe_ioctl(const Pipe& pipe, uint32_t request, uint64_t argument) {
    if (request != fionread)
        return ENOTTY;
    TRY(write_user(argument, static_cast<int>(pipe.buffer.size())));
    return 0;
}

class PipeReader final : public File {
public:
    explicit PipeReader(Pipe& pipe) : m_pipe(pipe) {}
    ~PipeReader() override {
        --m_pipe.readers;
        m_pipe.end_closed();
    }

    FileKind kind() const override { return FileKind::Pipe; }
    uint32_t access_mode() const override { return o_rdonly; }
    uint32_t poll_events() override { return m_pipe.reader_events(); }
    Readiness* readiness() override { return &m_pipe.read_side; }
    ErrorOr<void> stat(LinuxStat& stat) override { return pipe_stat(stat, m_pipe); }
    size_t describe(char* buffer, size_t capacity) override {
        return pipe_describe(buffer, capacity, m_pipe);
    }
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override {
        return pipe_ioctl(m_pipe, request, argument);
    }
    ErrorOr<size_t> write(uint64_t, size_t) override { return EBADF; }

    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override {
        if (length == 0)
            return static_cast<size_t>(0);
        TRY(user_range(user_buffer, length, Access::Write));
        return retry_until_ready(*this, poll_event::in, [&]() -> ErrorOr<size_t> {
            if (!m_pipe.buffer.is_empty()) {
                // Checked again after every wait: while this thread slept, another may have
                // unmapped the buffer, and a copy into it would fault in the kernel.
                void* destination = TRY(user_range(user_buffer, length, Access::Write));
                size_t taken = m_pipe.buffer.read(destination, length);
                m_pipe.changed();
                return taken;
            }
            if (m_pipe.writers == 0)
                return static_cast<size_t>(0);
            return EAGAIN;
        });
    }

private:
    Pipe& m_pipe;
};

class PipeWriter final : public File {
public:
    explicit PipeWriter(Pipe& pipe) : m_pipe(pipe) {}
    ~PipeWriter() override {
        --m_pipe.writers;
        m_pipe.end_closed();
    }

    FileKind kind() const override { return FileKind::Pipe; }
    uint32_t access_mode() const override { return o_wronly; }
    uint32_t poll_events() override { return m_pipe.writer_events(); }
    Readiness* readiness() override { return &m_pipe.write_side; }
    ErrorOr<void> stat(LinuxStat& stat) override { return pipe_stat(stat, m_pipe); }
    size_t describe(char* buffer, size_t capacity) override {
        return pipe_describe(buffer, capacity, m_pipe);
    }
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override {
        return pipe_ioctl(m_pipe, request, argument);
    }
    ErrorOr<size_t> read(uint64_t, size_t) override { return EBADF; }

    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override {
        if (m_pipe.readers == 0)
            return EPIPE;
        if (length == 0)
            return static_cast<size_t>(0);
        TRY(user_range(user_buffer, length, Access::Read));
        // An atomic write waits for room for all of it; a larger one moves what fits.
        size_t needed = length <= pipe_atomic_write ? length : 1;
        size_t done = 0;
        while (done < length) {
            if (m_pipe.readers == 0)
                return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(EPIPE);
            if (m_pipe.buffer.free_space() >= needed) {
                // Checked again after every wait: while this thread slept, another may have
                // unmapped the rest of the buffer (Linux then returns what was written, or
                // EFAULT).
                auto source = user_range(user_buffer + done, length - done, Access::Read);
                if (source.is_error())
                    return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(source.error());
                done += m_pipe.buffer.write(source.value(), length - done);
                m_pipe.changed();
                continue;
            }
            if (is_nonblocking())
                return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(EAGAIN);
            auto waited = wait_for_file_events(*this, poll_event::out, scheduler::no_deadline);
            if (waited.is_error())
                return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(waited.error());
        }
        return done;
    }

private:
    Pipe& m_pipe;
};

} // namespace

ErrorOr<PipeEnds> create_pipe() {
    auto* storage = static_cast<uint8_t*>(kmalloc(pipe_capacity));
    if (!storage)
        return ENOMEM;
    auto* pipe = new Pipe(storage);
    if (!pipe) {
        kfree(storage);
        return ENOMEM;
    }
    auto* reader = new PipeReader(*pipe);
    if (!reader) {
        delete pipe;
        return ENOMEM;
    }
    auto* writer = new PipeWriter(*pipe);
    if (!writer) {
        --pipe->writers;
        reader->release(); // the last end: frees the pipe
        return ENOMEM;
    }
    return PipeEnds{reader, writer};
}

} // namespace kernel
