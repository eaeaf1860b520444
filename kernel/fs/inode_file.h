// A file opened by path (open(2)): an inode, the place it was opened at, and for regular files
// and directories a position that read, write, lseek and getdents64 move.
#pragma once

#include "fs/file.h"
#include "fs/vfs/location.h"

namespace kernel {

// open(2)'s flags that the open file keeps.
inline constexpr uint32_t o_accmode = 3;
inline constexpr uint32_t o_direct = 040000;
inline constexpr uint32_t o_largefile = 0100000;
inline constexpr uint32_t o_noatime = 01000000;
inline constexpr uint32_t o_path = 010000000;
inline constexpr uint32_t o_sync = 04010000;
// What F_SETFL may change (fcntl(2)); the rest of the status flags stay as open set them.
inline constexpr uint32_t settable_status_flags =
    o_append | o_nonblock | 020000 /* O_ASYNC */ | o_direct | o_noatime;

class InodeFile final : public File {
public:
    // `flags` as open's (O_PATH: a file that only names its inode). Null when the kernel heap
    // is exhausted.
    static InodeFile* create(RefPtr<vfs::Location> location, uint32_t flags);
    // Its locks go with it.
    ~InodeFile() override;

    FileKind kind() const override { return FileKind::Inode; }
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override;
    ErrorOr<void> stat(LinuxStat& stat) override;
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override;
    uint32_t access_mode() const override { return m_access_mode; }
    vfs::Inode* inode() override { return &m_location->inode(); }
    size_t describe(char* buffer, size_t capacity) override;
    uint32_t poll_events() override;

    vfs::Location& location() { return *m_location; }
    bool is_path_only() const { return m_path_only; }
    // Access mode 3 gives neither (open(2): for ioctl only).
    bool is_readable() const {
        return !m_path_only && (m_access_mode == o_rdonly || m_access_mode == o_rdwr);
    }
    bool is_writable() const {
        return !m_path_only && (m_access_mode == o_wronly || m_access_mode == o_rdwr);
    }

    // pread/pwrite: at `offset`, the position unmoved (but O_APPEND writes at the end, as
    // Linux's pwrite does, see pwrite(2) BUGS).
    ErrorOr<size_t> read_at(uint64_t offset, vfs::IoBuffer buffer, size_t length);
    ErrorOr<size_t> write_at(uint64_t offset, vfs::IoBuffer buffer, size_t length);
    // lseek(2): SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE.
    ErrorOr<uint64_t> seek(int64_t offset, int whence) override;
    // The position read and write use (sendfile and copy_file_range without an offset).
    uint64_t position() const { return m_position; }
    void set_position(uint64_t position) { m_position = position; }
    // getdents64(2) into the program's buffer: the bytes written, 0 at the end.
    ErrorOr<size_t> read_directory(uint64_t user_buffer, size_t length);

private:
    InodeFile(RefPtr<vfs::Location> location, uint32_t flags);

    RefPtr<vfs::Location> m_location;
    uint32_t m_access_mode;
    bool m_path_only;
    uint64_t m_position = 0; // a directory's: the cookie of the next entry
};

// The x86-64 struct stat of an inode: st_dev from its file system.
ErrorOr<void> stat_inode(vfs::Inode& inode, LinuxStat& stat);

} // namespace kernel
