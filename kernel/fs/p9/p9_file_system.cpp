#include "fs/p9/p9_file_system.h"

#include "fs/p9/p9_inode.h"

namespace kernel::p9 {

namespace {

// statfs's f_flags bit for a read-only mount (Linux's ST_RDONLY).
constexpr uint64_t statistics_read_only = 1;

} // namespace

ErrorOr<RefPtr<P9FileSystem>> P9FileSystem::connect(Transport& transport, bool read_only) {
    auto file_system = RefPtr<P9FileSystem>::adopt(new P9FileSystem(transport, read_only));
    if (!file_system)
        return ENOMEM;
    Qid qid;
    uint32_t fid = TRY(file_system->m_client.connect(qid));
    if (!(qid.type & qid_directory)) {
        file_system->m_client.clunk(fid);
        return ENOTDIR;
    }
    file_system->m_root = make_ref<P9Inode>(*file_system, fid, vfs::NodeType::Directory);
    if (!file_system->m_root) {
        file_system->m_client.clunk(fid);
        return ENOMEM;
    }
    return file_system;
}

RefPtr<vfs::Inode> P9FileSystem::root() {
    return m_root;
}

ErrorOr<void> P9FileSystem::statistics(vfs::FileSystemStatistics& statistics) {
    FileSystemStatistics host = TRY(m_client.statistics(m_root->fid()));
    statistics = {};
    statistics.type = v9fs_magic;
    statistics.block_size = host.block_size;
    statistics.blocks = host.blocks;
    statistics.free_blocks = host.free_blocks;
    statistics.available_blocks = host.available_blocks;
    statistics.files = host.files;
    statistics.free_files = host.free_files;
    statistics.name_length = host.name_length;
    statistics.flags = m_read_only ? statistics_read_only : 0;
    return {};
}

} // namespace kernel::p9
