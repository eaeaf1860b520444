// /dev as a container runtime populates it (the OCI runtime spec's default devices): the
// memory devices with Linux's numbers (Documentation/admin-guide/devices.txt), tty and
// console, the standard streams' links into /proc, and /dev/shm, on which the glue mounts a
// tmpfs. Nothing else can be created here: EPERM.
#include "fs/synthetic/node.h"
#include "fs/synthetic/synthetic_trees.h"

namespace kernel::synthetic {

namespace {

constexpr uint64_t tmpfs_magic = 0x01021994;

struct DeviceEntry {
    const char* name;
    DeviceKind kind;
    uint32_t major, minor, mode;
};

} // namespace

RefPtr<SyntheticFileSystem> make_dev_file_system(const SystemFacts& facts, FileOpener& opener) {
    auto file_system = make_ref<SyntheticFileSystem>(
        "devtmpfs", "/dev", ChangePolicy{EPERM, EPERM, EPERM, false}, facts, opener, 0755);
    if (!file_system || !file_system->root_directory())
        return nullptr;
    file_system->set_magic(tmpfs_magic);
    Directory& root = *file_system->root_directory();
    static const DeviceEntry devices[] = {
        {"null", DeviceKind::Null, 1, 3, 0666},       {"zero", DeviceKind::Zero, 1, 5, 0666},
        {"full", DeviceKind::Full, 1, 7, 0666},       {"random", DeviceKind::Random, 1, 8, 0666},
        {"urandom", DeviceKind::Urandom, 1, 9, 0666}, {"tty", DeviceKind::Tty, 5, 0, 0666},
        {"console", DeviceKind::Console, 5, 1, 0600},
    };
    for (const DeviceEntry& device : devices)
        if (!root.add(make_ref<DeviceNode>(*file_system, device.name, device.kind, device.major,
                                           device.minor, device.mode)))
            return nullptr;
    struct LinkEntry {
        const char* name;
        const char* target;
    };
    static const LinkEntry links[] = {
        {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"},
        {"fd", "/proc/self/fd"},
    };
    for (const LinkEntry& link : links)
        if (!root.add(make_ref<Symlink>(*file_system, link.name, link.target)))
            return nullptr;
    if (!root.add_directory("shm", 01777))
        return nullptr;
    return file_system;
}

} // namespace kernel::synthetic
