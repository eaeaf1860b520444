// A volume: the host directory a 9P server exports, as a vfs::FileSystem. Every operation is
// a round trip to the server, so the guest sees the host's changes at once and the host the
// guest's: nothing is cached. A read-only volume (`-v HOST:GUEST:ro`) answers EROFS to every
// change before asking the server, which refuses them too.
#pragma once

#include "fs/p9/client.h"
#include "fs/p9/p9_inode.h"
#include "fs/p9/transport.h"
#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"

namespace kernel::p9 {

// statfs's f_type for 9P file systems (Linux's V9FS_MAGIC).
inline constexpr uint64_t v9fs_magic = 0x01021997;

class P9FileSystem final : public vfs::FileSystem {
public:
    // Connects (Tversion, Tattach) over `transport`, which must outlive the file system.
    static ErrorOr<RefPtr<P9FileSystem>> connect(Transport& transport, bool read_only);

    RefPtr<vfs::Inode> root() override;
    bool is_read_only() const override { return m_read_only; }
    const char* type_name() const override { return "9p"; }
    ErrorOr<void> statistics(vfs::FileSystemStatistics& statistics) override;

    Client& client() { return m_client; }

private:
    P9FileSystem(Transport& transport, bool read_only)
        : m_client(transport), m_read_only(read_only) {}

    Client m_client;
    bool m_read_only;
    // Inodes refer to their file system by reference: it outlives them (a volume stays mounted
    // until the VM ends), and this one reference keeps no cycle.
    RefPtr<P9Inode> m_root;
};

} // namespace kernel::p9
