// An open file description: what a file descriptor refers to: a console stream, a pipe end, an
// eventfd, an epoll instance, a socket, a file opened by path, a device of /dev or a file /proc
// or /sys generated.
#pragma once

#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "sched/readiness.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

namespace vfs {
class Inode;
}

// The x86-64 Linux struct stat.
struct LinuxStat {
    uint64_t st_dev, st_ino, st_nlink;
    uint32_t st_mode, st_uid, st_gid, pad0;
    uint64_t st_rdev;
    int64_t st_size, st_blksize, st_blocks;
    uint64_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec;
    int64_t unused[3];
};
static_assert(sizeof(LinuxStat) == 144);

inline constexpr uint32_t o_nonblock = 04000;
inline constexpr uint32_t o_append = 02000;
inline constexpr uint32_t o_rdonly = 0, o_wronly = 1, o_rdwr = 2;
// lseek(2)'s whence.
inline constexpr int seek_set = 0, seek_cur = 1, seek_end = 2, seek_data = 3, seek_hole = 4;

// So that a syscall can tell what it was handed (no RTTI in the kernel).
enum class FileKind {
    Console,
    Pipe,
    EventFd,
    Epoll,
    Socket,
    UnixSocket,
    NetlinkSocket,
    Inode,
    Device,
    Generated
};

// Something that refers to a file without holding a reference (an epoll registration): told
// when the file's last reference goes, before the file is destroyed.
struct FileWatch {
    ListNode node;
    void (*file_released)(FileWatch& self) = nullptr;
    void* context = nullptr;
};

class File {
public:
    virtual ~File() = default;
    virtual FileKind kind() const = 0;
    virtual ErrorOr<size_t> read(uint64_t user_buffer, size_t length) = 0;
    virtual ErrorOr<size_t> write(uint64_t user_buffer, size_t length) = 0;
    virtual ErrorOr<void> stat(LinuxStat& stat) = 0;
    virtual ErrorOr<long> ioctl(uint32_t request, uint64_t argument) = 0;
    // O_RDONLY, O_WRONLY or O_RDWR, as F_GETFL reports it.
    virtual uint32_t access_mode() const = 0;
    // lseek(2) with `whence` SEEK_SET..SEEK_HOLE: the new position. ESPIPE for files without
    // one (pipes, sockets, the console).
    virtual ErrorOr<uint64_t> seek(int64_t, int) { return ESPIPE; }

    // The inode a file opened by path refers to (regular files, directories, device nodes):
    // what fstat, mmap, fchdir and /proc/self/fd see. Null for pipes, sockets, eventfds, epoll.
    virtual vfs::Inode* inode() { return nullptr; }
    // What /proc/self/fd/N links to: the path it was opened by, or Linux's "pipe:[ino]",
    // "socket:[ino]", "anon_inode:[eventfd]" forms. Returns the length written (no NUL).
    virtual size_t describe(char* buffer, size_t capacity) = 0;

    // The poll_event:: bits that hold now.
    virtual uint32_t poll_events() = 0;
    // Notified whenever poll_events() may have changed; null when they never change.
    virtual Readiness* readiness() { return nullptr; }

    uint32_t status_flags() const { return m_status_flags; }
    void set_status_flags(uint32_t flags) { m_status_flags = flags; }
    bool is_nonblocking() const { return m_status_flags & o_nonblock; }

    void watch(FileWatch& watch) { m_watches.append(watch); }
    // Those watching this file: usually few, so finding one here beats searching a watcher's.
    IntrusiveList<FileWatch, &FileWatch::node>& watches() { return m_watches; }
    static void unwatch(FileWatch& watch) {
        IntrusiveList<FileWatch, &FileWatch::node>::remove(watch);
    }

    void retain() { ++m_references; }
    // Descriptors, calls in progress and messages carrying it (SCM_RIGHTS): what AF_UNIX's
    // garbage collection compares with the references it finds in flight.
    uint32_t reference_count() const { return m_references; }
    void release() {
        if (--m_references != 0)
            return;
        while (FileWatch* watch = m_watches.take_first())
            watch->file_released(*watch);
        delete this;
    }

protected:
    uint32_t m_status_flags = 0;

private:
    uint32_t m_references = 1;
    IntrusiveList<FileWatch, &FileWatch::node> m_watches;
};

} // namespace kernel
