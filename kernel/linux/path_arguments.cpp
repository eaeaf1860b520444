#include "linux/path_arguments.h"

#include "fs/fd_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

uint32_t creation_mask = 022;

} // namespace

ErrorOr<void> UserPath::copy(UserString path) {
    m_text = new char[vfs::path_max];
    if (!m_text)
        return ENOMEM;
    m_length = TRY(copy_string_from_user(m_text, vfs::path_max, path.address));
    return {};
}

ErrorOr<InodeFile*> inode_file(int fd, Errno otherwise) {
    File* file = TRY(fd_table::get(fd));
    if (file->kind() != FileKind::Inode)
        return otherwise;
    return static_cast<InodeFile*>(file);
}

ErrorOr<RefPtr<vfs::Location>> at_base(int directory, StringView path) {
    if ((!path.is_empty() && path[0] == '/') || directory == at_fdcwd)
        return RefPtr<vfs::Location>();
    InodeFile* file = TRY(inode_file(directory, ENOTDIR));
    if (file->location().inode().type() != vfs::NodeType::Directory)
        return ENOTDIR;
    return RefPtr<vfs::Location>(file->location());
}

ErrorOr<RefPtr<vfs::Location>> resolve_user_path(int directory, UserString path, bool follow,
                                                 bool empty_path) {
    UserPath text;
    TRY(text.copy(path));
    if (text.is_empty()) {
        if (!empty_path)
            return ENOENT;
        if (directory == at_fdcwd)
            return vfs::file_tree().working_directory();
        InodeFile* file = TRY(inode_file(directory, EBADF));
        return RefPtr<vfs::Location>(file->location());
    }
    auto base = TRY(at_base(directory, text.view()));
    return vfs::file_tree().resolve_at(base.get(), text.view(), follow);
}

uint32_t file_creation_mask() {
    return creation_mask;
}

uint32_t set_file_creation_mask(uint32_t mask) {
    uint32_t previous = creation_mask;
    creation_mask = mask & 0777;
    return previous;
}

} // namespace kernel
