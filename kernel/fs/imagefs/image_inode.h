// One file, directory or symbolic link of the image's file system (image_file_system.h). Its
// table entry is checked once, when the object is made; everything it points to is checked
// again on each use.
#pragma once

#include "fs/imagefs/image_file_system.h"
#include "fs/vfs/inode.h"

#include <ingot/abi/image_filesystem.h>

namespace kernel::imagefs {

class ImageInode final : public vfs::Inode {
public:
    ImageInode(RefPtr<ImageFileSystem> file_system, uint32_t index, const abi::ImageFsInode& raw);
    ~ImageInode() override;

    vfs::FileSystem& file_system() override { return *m_file_system; }
    vfs::NodeType type() const override;
    ErrorOr<void> attributes(vfs::Attributes& attributes) override;

    ErrorOr<RefPtr<vfs::Inode>> lookup(StringView name) override;
    ErrorOr<void> read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) override;
    ErrorOr<size_t> read(uint64_t offset, vfs::IoBuffer buffer, size_t length) override;
    // In-place files only (ENODEV for packed ones); EROFS for a writable mapping, EINVAL for
    // an unaligned offset, ENXIO past the file's last page.
    ErrorOr<PhysicalAddress> page(uint64_t offset, bool writable) override;
    ErrorOr<size_t> read_link(char* buffer, size_t capacity) override;

    uint32_t index() const { return m_index; }

private:
    RefPtr<ImageFileSystem> m_file_system;
    uint32_t m_index;
    abi::ImageFsInode m_raw;
};

} // namespace kernel::imagefs
