#include "fs/pipe.h"

#include "fs/file_wait.h"
#include "fs/inode_file.h"
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
    Readiness both_sides; // a FIFO opened O_RDWR

    // A FIFO's pipe: its node, and how many readers and writers ever opened it (Linux's
    // r_counter and w_counter), which a blocking open waits to see change.
    RefPtr<vfs::Inode> fifo;
    ListNode fifo_node;
    uint32_t reader_opens = 0;
    uint32_t writer_opens = 0;
    WaitQueue partner_waiters;

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
        both_sides.notify(reader_events() | writer_events());
    }
    // The last end gone frees the pipe: a FIFO's contents go with it (pipe(7)).
    void end_closed() {
        if (readers == 0 && writers == 0) {
            if (fifo)
                IntrusiveList<Pipe, &Pipe::fifo_node>::remove(*this);
            delete this;
        } else {
            changed();
        }
    }
};

// The pipes of the FIFOs open now, one per node.
IntrusiveList<Pipe, &Pipe::fifo_node> open_fifos;

Pipe* make_pipe() {
    auto* storage = static_cast<uint8_t*>(kmalloc(pipe_capacity));
    if (!storage)
        return nullptr;
    auto* pipe = new Pipe(storage);
    if (!pipe)
        kfree(storage);
    return pipe;
}

uint64_t pipe_inode(const Pipe& pipe) {
    return reinterpret_cast<uint64_t>(&pipe) >> 4;
}

size_t pipe_describe(char* buffer, size_t capacity, const Pipe& pipe) {
    return format_within(buffer, capacity, "pipe:[%llu]",
                         static_cast<unsigned long long>(pipe_inode(pipe)));
}

ErrorOr<void> pipe_stat(LinuxStat& stat, const Pipe& pipe) {
    if (pipe.fifo)
        return stat_inode(*pipe.fifo, stat);
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

ErrorOr<size_t> pipe_read(File& file, Pipe& pipe, uint64_t user_buffer, size_t length) {
    if (length == 0)
        return static_cast<size_t>(0);
    TRY(user_range(user_buffer, length, Access::Write));
    return retry_until_ready(file, poll_event::in, [&]() -> ErrorOr<size_t> {
        if (!pipe.buffer.is_empty()) {
            // Checked again after every wait: while this thread slept, another may have
            // unmapped the buffer, and a copy into it would fault in the kernel.
            void* destination = TRY(user_range(user_buffer, length, Access::Write));
            size_t taken = pipe.buffer.read(destination, length);
            pipe.changed();
            return taken;
        }
        if (pipe.writers == 0)
            return static_cast<size_t>(0);
        return EAGAIN;
    });
}

ErrorOr<size_t> pipe_write(File& file, Pipe& pipe, uint64_t user_buffer, size_t length) {
    if (pipe.readers == 0)
        return EPIPE;
    if (length == 0)
        return static_cast<size_t>(0);
    TRY(user_range(user_buffer, length, Access::Read));
    // An atomic write waits for room for all of it; a larger one moves what fits.
    size_t needed = length <= pipe_atomic_write ? length : 1;
    size_t done = 0;
    while (done < length) {
        if (pipe.readers == 0)
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(EPIPE);
        if (pipe.buffer.free_space() >= needed) {
            // Checked again after every wait: while this thread slept, another may have
            // unmapped the rest of the buffer (Linux then returns what was written, or
            // EFAULT).
            auto source = user_range(user_buffer + done, length - done, Access::Read);
            if (source.is_error())
                return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(source.error());
            done += pipe.buffer.write(source.value(), length - done);
            pipe.changed();
            continue;
        }
        if (file.is_nonblocking())
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(EAGAIN);
        auto waited = wait_for_file_events(file, poll_event::out, scheduler::no_deadline);
        if (waited.is_error())
            return done ? ErrorOr<size_t>(done) : ErrorOr<size_t>(waited.error());
    }
    return done;
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
        return pipe_read(*this, m_pipe, user_buffer, length);
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
        return pipe_write(*this, m_pipe, user_buffer, length);
    }

private:
    Pipe& m_pipe;
};

// A FIFO opened for reading and writing: both ends in one file (Linux allows it, fifo(7)).
class PipeBothEnds final : public File {
public:
    explicit PipeBothEnds(Pipe& pipe) : m_pipe(pipe) {}
    ~PipeBothEnds() override {
        --m_pipe.readers;
        --m_pipe.writers;
        m_pipe.end_closed();
    }

    FileKind kind() const override { return FileKind::Pipe; }
    uint32_t access_mode() const override { return o_rdwr; }
    uint32_t poll_events() override { return m_pipe.reader_events() | m_pipe.writer_events(); }
    Readiness* readiness() override { return &m_pipe.both_sides; }
    ErrorOr<void> stat(LinuxStat& stat) override { return pipe_stat(stat, m_pipe); }
    size_t describe(char* buffer, size_t capacity) override {
        return pipe_describe(buffer, capacity, m_pipe);
    }
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override {
        return pipe_ioctl(m_pipe, request, argument);
    }
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override {
        return pipe_read(*this, m_pipe, user_buffer, length);
    }
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override {
        return pipe_write(*this, m_pipe, user_buffer, length);
    }

private:
    Pipe& m_pipe;
};

// The pipe of an open FIFO, or a new one registered for it.
Pipe* fifo_pipe(vfs::Inode& inode) {
    for (Pipe& pipe : open_fifos)
        if (pipe.fifo.get() == &inode)
            return &pipe;
    Pipe* pipe = make_pipe();
    if (!pipe)
        return nullptr;
    pipe->readers = pipe->writers = 0;
    pipe->fifo = RefPtr<vfs::Inode>(&inode);
    open_fifos.append(*pipe);
    return pipe;
}

// A blocking open waits for the other end to be opened (Linux's wait_for_partner): until the
// count of its opens moves, even if that end has closed again since.
ErrorOr<void> wait_for_partner(Pipe& pipe, const uint32_t& partner_opens) {
    uint32_t seen = partner_opens;
    while (partner_opens == seen) {
        if (scheduler::block(&pipe.partner_waiters, scheduler::no_deadline) ==
            WakeReason::Interrupted)
            return EINTR;
    }
    return {};
}

} // namespace

ErrorOr<File*> open_fifo(vfs::Inode& inode, uint32_t flags) {
    uint32_t mode = flags & 3;
    bool nonblocking = flags & o_nonblock;
    if (mode == o_wronly && nonblocking) {
        // fifo(7): no process has the FIFO open for reading.
        bool has_reader = false;
        for (Pipe& pipe : open_fifos)
            has_reader |= pipe.fifo.get() == &inode && pipe.readers != 0;
        if (!has_reader)
            return ENXIO;
    }
    Pipe* pipe = fifo_pipe(inode);
    if (!pipe)
        return ENOMEM;
    File* file;
    if (mode == o_rdonly)
        file = new PipeReader(*pipe);
    else if (mode == o_wronly)
        file = new PipeWriter(*pipe);
    else
        file = new PipeBothEnds(*pipe);
    if (!file) {
        pipe->end_closed(); // frees a pipe no end holds
        return ENOMEM;
    }
    if (mode != o_wronly) {
        ++pipe->readers;
        ++pipe->reader_opens;
    }
    if (mode != o_rdonly) {
        ++pipe->writers;
        ++pipe->writer_opens;
    }
    file->set_status_flags(flags & (o_nonblock | o_append));
    scheduler::wake_some(pipe->partner_waiters, SIZE_MAX);
    pipe->changed();
    ErrorOr<void> waited;
    if (mode == o_rdonly && !nonblocking && pipe->writers == 0)
        waited = wait_for_partner(*pipe, pipe->writer_opens);
    else if (mode == o_wronly && pipe->readers == 0)
        waited = wait_for_partner(*pipe, pipe->reader_opens);
    if (waited.is_error()) {
        file->release();
        return waited.error();
    }
    return file;
}

ErrorOr<PipeEnds> create_pipe() {
    Pipe* pipe = make_pipe();
    if (!pipe)
        return ENOMEM;
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
