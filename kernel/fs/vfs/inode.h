// The one interface every file system implements (imagefs, tmpfs, the overlay, the synthetic
// /proc, /dev and /sys, 9P volumes): an inode is a file, a directory, a symbolic link or a
// special file, shared by every path and open file that refers to it. The path walk, the mount
// table and the open-file objects (kernel/fs/vfs) are written against this only.
//
// Every operation a file system does not support has Linux's answer as its default: ENOTDIR for
// directory operations on a non-directory, EISDIR/EINVAL for data operations on a directory,
// EROFS for changes on a read-only file system, EPERM where Linux says so.
#pragma once

#include "fs/vfs/io_buffer.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"
#include "lib/string_view.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {
class File;
using PhysicalAddress = uint64_t;
} // namespace kernel

namespace kernel::vfs {

class FileSystem;

// Linux's S_IF* values, as st_mode's type bits carry them.
enum class NodeType : uint32_t {
    Fifo = 0010000,
    CharacterDevice = 0020000,
    Directory = 0040000,
    BlockDevice = 0060000,
    Regular = 0100000,
    Symlink = 0120000,
    Socket = 0140000,
};
inline constexpr uint32_t type_mask = 0170000;
inline constexpr uint32_t permission_mask = 07777;
inline constexpr size_t name_max = 255;  // NAME_MAX
inline constexpr size_t path_max = 4096; // PATH_MAX, with its NUL

struct Timestamp {
    int64_t seconds = 0;
    uint32_t nanoseconds = 0;
};

// What stat and statx report; the walk fills st_dev from the file system.
struct Attributes {
    uint64_t inode = 0;
    uint32_t mode = 0; // type | permissions
    uint32_t link_count = 1;
    uint32_t uid = 0, gid = 0;
    uint64_t size = 0;
    uint64_t blocks = 0; // 512-byte units
    uint32_t block_size = 4096;
    uint64_t device = 0; // st_rdev of a device node
    Timestamp access_time, modify_time, change_time;
};

// setattr: chmod, chown, truncate, utimensat. Only the fields whose bit is set change.
struct AttributeChange {
    enum : uint32_t { Mode = 1, Uid = 2, Gid = 4, Size = 8, AccessTime = 16, ModifyTime = 32 };
    uint32_t fields = 0;
    uint32_t mode = 0; // permissions only
    uint32_t uid = 0, gid = 0;
    uint64_t size = 0;
    Timestamp access_time, modify_time;
};

// statfs/fstatfs.
struct FileSystemStatistics {
    uint64_t type = 0; // f_type magic: TMPFS_MAGIC, V9FS_MAGIC, ...
    uint64_t block_size = 4096;
    uint64_t blocks = 0, free_blocks = 0, available_blocks = 0;
    uint64_t files = 0, free_files = 0;
    uint64_t name_length = name_max;
    uint64_t flags = 0; // ST_RDONLY, ...
};

// One getdents64 record's worth. `next` is the cookie to resume after this entry.
struct DirectoryEntry {
    StringView name;
    uint64_t inode;
    NodeType type;
    uint64_t next;
};

// read_directory's consumer: returns false when it has no room for the entry, which is then
// not consumed (the caller resumes at that entry's cookie).
class DirectoryVisitor {
public:
    virtual bool visit(const DirectoryEntry& entry) = 0;

protected:
    ~DirectoryVisitor() = default;
};

// renameat2's flags.
inline constexpr uint32_t rename_noreplace = 1, rename_exchange = 2;

// File seals (fcntl(2) "File Sealing", F_SEAL_*): what may no longer happen to a file's data.
namespace seal {
inline constexpr uint32_t seal = 1, shrink = 2, grow = 4, write = 8, future_write = 0x10,
                          exec = 0x20;
inline constexpr uint32_t all = seal | shrink | grow | write | future_write | exec;
} // namespace seal

class Inode : public RefCounted<Inode> {
public:
    virtual ~Inode() = default;

    virtual FileSystem& file_system() = 0;
    virtual NodeType type() const = 0;
    virtual ErrorOr<void> attributes(Attributes& attributes) = 0;
    virtual ErrorOr<void> change_attributes(const AttributeChange& change);

    // Directories. `name` is one component: never empty, ".", ".." or containing '/'; the walk
    // handles those. Cookies start at 0 and include "." and "..".
    virtual ErrorOr<RefPtr<Inode>> lookup(StringView name);
    // A regular file, directory, FIFO, socket or device node (mknod); EEXIST when taken.
    virtual ErrorOr<RefPtr<Inode>> create(StringView name, NodeType type, uint32_t mode,
                                          uint64_t device);
    virtual ErrorOr<RefPtr<Inode>> create_symlink(StringView name, StringView target);
    virtual ErrorOr<void> link(StringView name, Inode& target);
    // unlink (`directory` false: EISDIR for a directory) or rmdir (true: ENOTDIR for a
    // non-directory, ENOTEMPTY).
    virtual ErrorOr<void> remove(StringView name, bool directory);
    // Within one file system (the caller gives EXDEV otherwise). `new_directory` is an inode of
    // the same file system.
    virtual ErrorOr<void> rename(StringView old_name, Inode& new_directory, StringView new_name,
                                 uint32_t flags);
    virtual ErrorOr<void> read_directory(uint64_t& cookie, DirectoryVisitor& visitor);

    // Regular files. A read past the end reads 0 bytes; a write past it leaves a hole of zeros.
    virtual ErrorOr<size_t> read(uint64_t offset, IoBuffer buffer, size_t length);
    virtual ErrorOr<size_t> write(uint64_t offset, IoBuffer buffer, size_t length);
    virtual ErrorOr<void> sync();
    // lseek's SEEK_DATA (`hole` false) and SEEK_HOLE: the first offset at or after `offset`
    // (inside the file) where data or a hole begins; the end of the file is a hole. By
    // default the whole file is data, which lseek(2) allows.
    virtual ErrorOr<uint64_t> seek_hole_data(uint64_t offset, bool hole);

    // File-backed mmap: the frame holding the file's page at `offset` (page aligned), which
    // stays valid while the inode lives. Writable: a MAP_SHARED writable mapping, whose stores
    // reach the file. ENODEV when the file system cannot lend its pages (the caller copies
    // through read() instead).
    virtual ErrorOr<PhysicalAddress> page(uint64_t offset, bool writable);

    // F_GET_SEALS and F_ADD_SEALS (memfd_create(2)): the seals the file has, and more added
    // (EPERM once seal::seal is). EINVAL for files that take no seals (the default).
    virtual ErrorOr<uint32_t> seals();
    virtual ErrorOr<void> add_seals(uint32_t seals);

    // Symbolic links: the target, not NUL-terminated; its length.
    virtual ErrorOr<size_t> read_link(char* buffer, size_t capacity);

    // Files whose open file is their own (devices, sockets' and /proc's generated files):
    // returns the File (one reference, for the descriptor table), or null for an ordinary open.
    virtual ErrorOr<File*> open_special(uint32_t flags);
};

class FileSystem : public RefCounted<FileSystem> {
public:
    virtual ~FileSystem() = default;
    virtual RefPtr<Inode> root() = 0;
    virtual bool is_read_only() const { return false; }
    virtual const char* type_name() const = 0; // "tmpfs", "9p", ... as /proc/mounts shows
    virtual ErrorOr<void> statistics(FileSystemStatistics& statistics);
    // st_dev of every inode of this file system: given when mounted.
    uint64_t device_id() const { return m_device_id; }
    void set_device_id(uint64_t id) { m_device_id = id; }

private:
    uint64_t m_device_id = 0;
};

} // namespace kernel::vfs
