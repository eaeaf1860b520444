// A file, directory or link of a volume. It holds one fid walked to it (never opened: it
// names the file for getattr, walks and the directory operations) and, from the first read,
// write, readdir or fsync on, a second fid opened for I/O. Both are clunked when the last
// reference goes.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"

#include <stdint.h>

namespace kernel::p9 {

class P9FileSystem;

class P9Inode final : public vfs::Inode {
public:
    // Takes over `fid`, which names a file of type `type`.
    P9Inode(P9FileSystem& file_system, uint32_t fid, vfs::NodeType type)
        : m_file_system(file_system), m_fid(fid), m_type(type) {}
    ~P9Inode() override;

    vfs::FileSystem& file_system() override;
    vfs::NodeType type() const override { return m_type; }
    ErrorOr<void> attributes(vfs::Attributes& attributes) override;
    ErrorOr<void> change_attributes(const vfs::AttributeChange& change) override;

    ErrorOr<RefPtr<vfs::Inode>> lookup(StringView name) override;
    ErrorOr<RefPtr<vfs::Inode>> create(StringView name, vfs::NodeType type, uint32_t mode,
                                       uint64_t device) override;
    ErrorOr<RefPtr<vfs::Inode>> create_symlink(StringView name, StringView target) override;
    ErrorOr<void> link(StringView name, vfs::Inode& target) override;
    ErrorOr<void> remove(StringView name, bool directory) override;
    ErrorOr<void> rename(StringView old_name, vfs::Inode& new_directory, StringView new_name,
                         uint32_t flags) override;
    ErrorOr<void> read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) override;

    ErrorOr<size_t> read(uint64_t offset, vfs::IoBuffer buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t offset, vfs::IoBuffer buffer, size_t length) override;
    ErrorOr<void> sync() override;
    ErrorOr<size_t> read_link(char* buffer, size_t capacity) override;

    uint32_t fid() const { return m_fid; }

private:
    // The fid to read (and, when `writing`, write) through, opened on first use.
    ErrorOr<uint32_t> io_fid(bool writing);
    // Walks to `name` in this directory: a new inode for what is there.
    ErrorOr<RefPtr<vfs::Inode>> walk_to(StringView name);
    // EROFS on a read-only volume; ENOTDIR unless this is a directory.
    ErrorOr<void> check_directory_change();

    P9FileSystem& m_file_system;
    uint32_t m_fid;
    vfs::NodeType m_type;
    static constexpr uint32_t no_io_fid = 0xffffffff;
    uint32_t m_io_fid = no_io_fid;
    bool m_io_writable = false;
};

} // namespace kernel::p9
