// An open file description: what a file descriptor refers to. The console streams are the
// first kind; pipes and sockets will be others.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

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

class File {
public:
    virtual ~File() = default;
    virtual ErrorOr<size_t> read(uint64_t user_buffer, size_t length) = 0;
    virtual ErrorOr<size_t> write(uint64_t user_buffer, size_t length) = 0;
    virtual ErrorOr<void> stat(LinuxStat& stat) = 0;
    virtual ErrorOr<long> ioctl(uint32_t request, uint64_t argument) = 0;

    uint32_t status_flags() const { return m_status_flags; }
    void set_status_flags(uint32_t flags) { m_status_flags = flags; }

    void retain() { ++m_references; }
    void release() {
        if (--m_references == 0)
            delete this;
    }

protected:
    uint32_t m_status_flags = 0;

private:
    uint32_t m_references = 1;
};

} // namespace kernel
