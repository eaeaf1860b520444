// /proc/self/fd: one symbolic link per open descriptor, named by its number, linking to what
// the open file describes itself as (File::describe: a path, "pipe:[ino]", "socket:[ino]").
// The entries are made at each lookup and readdir from the descriptor table, as Linux's are.
#pragma once

#include "fs/synthetic/node.h"

namespace kernel::synthetic {

class DescriptorDirectory final : public Node {
public:
    explicit DescriptorDirectory(SyntheticFileSystem& file_system);

    ErrorOr<RefPtr<vfs::Inode>> lookup(StringView name) override;
    ErrorOr<void> read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) override;

    // The inode number of descriptor `fd`'s link: stable, so that lookup and readdir agree.
    uint64_t link_inode(int fd) const { return inode_number() * 1024 + static_cast<uint64_t>(fd); }
};

// "0", "1", ... as Linux spells descriptors: no sign, no leading zero. -1 otherwise.
int parse_descriptor_name(StringView name);

} // namespace kernel::synthetic
