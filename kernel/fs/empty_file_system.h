// A read-only file system holding one empty directory: the lower layer of "/" when the image
// carries no file system of its own.
#pragma once

#include "fs/vfs/inode.h"

namespace kernel {

class EmptyFileSystem final : public vfs::FileSystem {
public:
    // Null when the kernel heap is exhausted.
    static RefPtr<EmptyFileSystem> create();

    RefPtr<vfs::Inode> root() override { return m_root; }
    bool is_read_only() const override { return true; }
    const char* type_name() const override { return "rootfs"; }

private:
    RefPtr<vfs::Inode> m_root;
};

} // namespace kernel
