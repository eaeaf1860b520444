// memfd_create(2): an anonymous regular file in memory, in a tmpfs mounted nowhere.
#include "fs/fd_table.h"
#include "fs/file_systems.h"
#include "fs/inode_file.h"
#include "lib/string.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

constexpr unsigned mfd_cloexec = 1, mfd_allow_sealing = 2, mfd_hugetlb = 4;
constexpr unsigned mfd_noexec_seal = 8, mfd_exec = 0x10;
constexpr size_t name_max = 249; // MFD_NAME_MAX_LEN: NAME_MAX less "memfd:"
constexpr char prefix[] = "memfd:";
constexpr char suffix[] = " (deleted)";

} // namespace

// Without MFD_ALLOW_SEALING the file is sealed with F_SEAL_SEAL: F_ADD_SEALS is EPERM. MFD_HUGETLB
// is EINVAL (no huge pages).
ErrorOr<long> sys_memfd_create(UserString user_name, unsigned flags) {
    if (flags & ~(mfd_cloexec | mfd_allow_sealing | mfd_hugetlb | mfd_noexec_seal | mfd_exec))
        return EINVAL;
    if (flags & mfd_hugetlb)
        return EINVAL;
    if ((flags & mfd_noexec_seal) && (flags & mfd_exec))
        return EINVAL;
    char name[sizeof prefix - 1 + name_max + sizeof suffix] = {};
    memcpy(name, prefix, sizeof prefix - 1);
    auto copied = copy_string_from_user(name + sizeof prefix - 1, name_max + 1, user_name.address);
    if (copied.is_error())
        return copied.error().code() == ENAMETOOLONG ? EINVAL : copied.error().code();
    size_t length = sizeof prefix - 1 + copied.value();
    vfs::Inode* directory = anonymous_files();
    if (!directory)
        return ENOMEM;
    // A unique name while it is made; the file keeps none.
    static uint64_t serial;
    char unique[24];
    size_t unique_length = 0;
    for (uint64_t value = ++serial; value; value /= 10)
        unique[unique_length++] = static_cast<char>('0' + value % 10);
    StringView made(unique, unique_length);
    uint32_t mode = (flags & mfd_noexec_seal) ? 0666 : 0777;
    auto inode = TRY(directory->create(made, vfs::NodeType::Regular, mode, 0));
    TRY(directory->remove(made, false));
    if (!(flags & mfd_allow_sealing))
        TRY(inode->add_seals(vfs::seal::seal));
    // What /proc/self/fd shows for it: "/memfd:NAME (deleted)".
    memcpy(name + length, suffix, sizeof suffix - 1);
    auto root = vfs::Location::make(RefPtr<vfs::Inode>(directory), nullptr, StringView("", 0));
    if (!root)
        return ENOMEM;
    auto place =
        vfs::Location::make(move(inode), root, StringView(name, length + sizeof suffix - 1));
    if (!place)
        return ENOMEM;
    InodeFile* file = InodeFile::create(move(place), o_rdwr);
    if (!file)
        return ENOMEM;
    auto installed = fd_table::install(*file, 0, (flags & mfd_cloexec) ? fd_table::fd_cloexec : 0);
    file->release();
    return as_syscall_result(move(installed));
}

} // namespace kernel
