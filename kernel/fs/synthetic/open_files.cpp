#include "fs/synthetic/open_files.h"

#include "fs/console_file.h"
#include "fs/file.h"
#include "fs/synthetic/node.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "lib/zero_page.h"
#include "linux/entropy.h"
#include "mm/user_memory.h"

namespace kernel::synthetic {

namespace {

constexpr uint32_t access_mode_mask = 3;
constexpr uint32_t always_ready =
    poll_event::in | poll_event::read_normal | poll_event::out | poll_event::write_normal;

// What the two kinds share: the node they were opened from, its stat, its path, and the
// access mode's EBADF checks (vfs_read/vfs_write: a file not opened for it).
class SyntheticFile : public File {
public:
    SyntheticFile(Node& node, uint32_t flags) : m_node(&node), m_access(flags & access_mode_mask) {
        m_status_flags = flags & (o_nonblock | o_append);
    }

    uint32_t access_mode() const override { return m_access; }
    vfs::Inode* inode() override { return m_node.get(); }
    size_t describe(char* buffer, size_t capacity) override {
        return m_node->path(buffer, capacity);
    }
    uint32_t poll_events() override { return always_ready; }

    ErrorOr<void> stat(LinuxStat& stat) override {
        vfs::Attributes attributes;
        TRY(m_node->attributes(attributes));
        memset(&stat, 0, sizeof stat);
        stat.st_dev = m_node->file_system().device_id();
        stat.st_ino = attributes.inode;
        stat.st_nlink = attributes.link_count;
        stat.st_mode = attributes.mode;
        stat.st_rdev = attributes.device;
        stat.st_size = static_cast<int64_t>(attributes.size);
        stat.st_blksize = attributes.block_size;
        stat.st_atime_sec = stat.st_mtime_sec = stat.st_ctime_sec =
            static_cast<uint64_t>(attributes.modify_time.seconds);
        return {};
    }

protected:
    bool can_read() const { return m_access == o_rdonly || m_access == o_rdwr; }
    bool can_write() const { return m_access == o_wronly || m_access == o_rdwr; }

    RefPtr<Node> m_node;

private:
    uint32_t m_access;
};

// A snapshot taken at open; reads walk it. Writes get the file's own error (procfs: EIO or
// EINVAL), as Linux's files without a write method answer.
class GeneratedTextFile final : public SyntheticFile {
public:
    GeneratedTextFile(TextBuffer&& text, Node& node, uint32_t flags, Errno write_error)
        : SyntheticFile(node, flags), m_text(move(text)), m_write_error(write_error) {}

    FileKind kind() const override { return FileKind::Generated; }
    ErrorOr<long> ioctl(uint32_t, uint64_t) override { return ENOTTY; }

    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override {
        if (!can_read())
            return EBADF;
        if (m_offset >= m_text.length())
            return static_cast<size_t>(0);
        size_t taken = min(length, m_text.length() - static_cast<size_t>(m_offset));
        TRY(copy_to_user(user_buffer, m_text.data() + m_offset, taken));
        m_offset += taken;
        return taken;
    }

    ErrorOr<size_t> write(uint64_t, size_t) override {
        if (!can_write())
            return EBADF;
        return m_write_error;
    }

    // Linux's seq_lseek: from the start or the current position only, never negative.
    ErrorOr<uint64_t> seek(int64_t offset, int whence) override {
        int64_t target;
        if (whence == seek_set)
            target = offset;
        else if (whence != seek_cur ||
                 __builtin_add_overflow(static_cast<int64_t>(m_offset), offset, &target))
            return EINVAL;
        if (target < 0)
            return EINVAL;
        m_offset = static_cast<uint64_t>(target);
        return m_offset;
    }

private:
    TextBuffer m_text;
    uint64_t m_offset = 0;
    Errno m_write_error;
};

// Copies zeros or random bytes to the program, a chunk at a time; what was copied when a
// later chunk faults (Linux's read_iter_zero and urandom_read_iter do the same).
template <typename Fill> ErrorOr<size_t> fill_user(uint64_t user_buffer, size_t length, Fill fill) {
    uint8_t chunk[256];
    size_t done = 0;
    while (done < length) {
        size_t count = min(length - done, sizeof chunk);
        const void* source = fill(chunk, count);
        auto copied = copy_to_user(user_buffer + done, source, count);
        if (copied.is_error())
            return done ? ErrorOr<size_t>(done) : copied.error();
        done += count;
    }
    return done;
}

class DeviceFile final : public SyntheticFile {
public:
    DeviceFile(DeviceKind kind, Node& node, uint32_t flags)
        : SyntheticFile(node, flags), m_kind(kind), m_stdin(0), m_stdout(1) {}

    FileKind kind() const override { return FileKind::Device; }

    // drivers/char/mem.c: null reads end of file; zero and full read zeros; random and
    // urandom read the kernel's generator; the console reads the program's stdin.
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override {
        if (!can_read())
            return EBADF;
        switch (m_kind) {
        case DeviceKind::Null:
            return static_cast<size_t>(0);
        case DeviceKind::Zero:
        case DeviceKind::Full:
            return fill_user(user_buffer, length,
                             [](uint8_t*, size_t) -> const void* { return zero_page; });
        case DeviceKind::Random:
        case DeviceKind::Urandom:
            return fill_user(user_buffer, length, [](uint8_t* chunk, size_t count) {
                fill_random(chunk, count);
                return static_cast<const void*>(chunk);
            });
        case DeviceKind::Console:
            return m_stdin.read(user_buffer, length);
        case DeviceKind::Tty:
            break;
        }
        return ENXIO;
    }

    // null and zero take everything; full answers ENOSPC; random and urandom stir what is
    // written into the generator (random(4)); the console writes to the program's stdout.
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override {
        if (!can_write())
            return EBADF;
        switch (m_kind) {
        case DeviceKind::Null:
        case DeviceKind::Zero:
            return length;
        case DeviceKind::Full:
            return ENOSPC;
        case DeviceKind::Random:
        case DeviceKind::Urandom:
            return stir(user_buffer, length);
        case DeviceKind::Console:
            return m_stdout.write(user_buffer, length);
        case DeviceKind::Tty:
            break;
        }
        return ENXIO;
    }

    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override {
        if (m_kind == DeviceKind::Console)
            return m_stdout.ioctl(request, argument);
        return ENOTTY;
    }

    // drivers/char/mem.c: null, zero and full stay at 0 (null_lseek); random and urandom
    // report their position, which nothing moves (noop_llseek); terminals have none.
    ErrorOr<uint64_t> seek(int64_t, int) override {
        if (m_kind == DeviceKind::Console || m_kind == DeviceKind::Tty)
            return ESPIPE;
        return static_cast<uint64_t>(0);
    }

    uint32_t poll_events() override {
        if (m_kind == DeviceKind::Console)
            return m_stdin.poll_events() | m_stdout.poll_events();
        return always_ready;
    }

    Readiness* readiness() override {
        return m_kind == DeviceKind::Console ? m_stdin.readiness() : nullptr;
    }

private:
    static ErrorOr<size_t> stir(uint64_t user_buffer, size_t length) {
        uint8_t block[32];
        for (size_t done = 0; done < length; done += sizeof block) {
            size_t count = min(length - done, sizeof block);
            memset(block, 0, sizeof block);
            TRY(copy_from_user(block, user_buffer + done, count));
            mix_random(block);
        }
        return length;
    }

    DeviceKind m_kind;
    ConsoleFile m_stdin;
    ConsoleFile m_stdout;
};

class KernelFileOpener final : public FileOpener {
public:
    ErrorOr<File*> open_text(TextBuffer&& text, Node& node, uint32_t flags,
                             Errno write_error) override {
        File* file = new GeneratedTextFile(move(text), node, flags, write_error);
        if (!file)
            return ENOMEM;
        return file;
    }

    ErrorOr<File*> open_device(DeviceKind kind, Node& node, uint32_t flags) override {
        File* file = new DeviceFile(kind, node, flags);
        if (!file)
            return ENOMEM;
        return file;
    }
};

KernelFileOpener opener;

} // namespace

FileOpener& kernel_file_opener() {
    return opener;
}

} // namespace kernel::synthetic
