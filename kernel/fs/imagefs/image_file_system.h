// The image's read-only file system (include/ingot/abi/image_filesystem.h), read in place from
// the payload: nothing is copied at mount, and in-place files lend their pages to mmap and the
// program loader. The metadata is the image's, so it is trusted no more than a program's
// input: every index, offset and length is checked against the section before it is used, and
// a bad one makes the operation fail (EINVAL when opening, EIO after), never the kernel.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"

#include <ingot/abi/image_filesystem.h>
#include <ingot/abi/memory_layout.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::imagefs {

class ImageInode;

class ImageFileSystem final : public vfs::FileSystem {
public:
    // `bytes` is the section as the kernel reads it, `physical` where it lies in guest memory
    // (page aligned), for page(). The bytes must outlive the file system.
    static ErrorOr<RefPtr<ImageFileSystem>> open(const uint8_t* bytes, size_t size,
                                                 PhysicalAddress physical);
    ~ImageFileSystem() override;

    RefPtr<vfs::Inode> root() override;
    bool is_read_only() const override { return true; }
    const char* type_name() const override { return "imagefs"; }
    ErrorOr<void> statistics(vfs::FileSystemStatistics& statistics) override;

    // The inode at `index` of the table, one object per inode while it is referenced.
    ErrorOr<RefPtr<ImageInode>> inode(uint32_t index);
    // Entry `index` of the entry table: its name (checked) and inode.
    ErrorOr<uint32_t> entry(uint64_t index, StringView& name) const;
    ErrorOr<abi::ImageFsInode> raw_inode(uint32_t index) const;

    const uint8_t* bytes() const { return m_bytes; }
    PhysicalAddress physical() const { return m_physical; }
    const abi::ImageFsSuperblock& superblock() const { return m_superblock; }

private:
    friend class ImageInode;
    ImageFileSystem(const uint8_t* bytes, size_t size, PhysicalAddress physical,
                    const abi::ImageFsSuperblock& superblock, ImageInode** inodes);
    void forget(uint32_t index);

    const uint8_t* m_bytes;
    size_t m_size;
    PhysicalAddress m_physical;
    abi::ImageFsSuperblock m_superblock;
    ImageInode** m_inodes; // inode_count slots: the live inode objects, not references
};

// The kernel's entry point: the file system in `bytes`, or EINVAL when its header is malformed.
ErrorOr<RefPtr<vfs::FileSystem>> open(const uint8_t* bytes, size_t size, PhysicalAddress physical);

} // namespace kernel::imagefs
