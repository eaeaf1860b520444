#include "fs/overlay/overlay.h"

#include "lib/string.h"

namespace kernel::overlay {

bool is_whiteout(vfs::Inode& inode) {
    if (inode.type() != vfs::NodeType::CharacterDevice)
        return false;
    vfs::Attributes attributes;
    return !inode.attributes(attributes).is_error() && attributes.device == 0;
}

RefPtr<OverlayFileSystem> OverlayFileSystem::create(RefPtr<vfs::FileSystem> lower,
                                                    RefPtr<vfs::FileSystem> upper) {
    if (!lower || !upper)
        return nullptr;
    RefPtr<vfs::Inode> lower_root = lower->root();
    RefPtr<vfs::Inode> upper_root = upper->root();
    if (lower_root->type() != vfs::NodeType::Directory ||
        upper_root->type() != vfs::NodeType::Directory)
        return nullptr;
    auto file_system = RefPtr<OverlayFileSystem>::adopt(new OverlayFileSystem(lower, upper));
    if (!file_system)
        return nullptr;
    auto root = file_system->inode_for(nullptr, StringView("", 0), upper_root, lower_root);
    if (root.is_error())
        return nullptr;
    file_system->m_root = root.release_value();
    return file_system;
}

OverlayFileSystem::OverlayFileSystem(RefPtr<vfs::FileSystem> lower, RefPtr<vfs::FileSystem> upper)
    : m_lower(move(lower)), m_upper(move(upper)) {}

OverlayFileSystem::~OverlayFileSystem() {
    m_root.clear();
    while (OpaqueMark* mark = m_opaque.take_first())
        delete mark;
    while (Origin* origin = m_origins.take_first())
        delete origin;
}

RefPtr<vfs::Inode> OverlayFileSystem::root() {
    return m_root;
}

ErrorOr<void> OverlayFileSystem::statistics(vfs::FileSystemStatistics& statistics) {
    TRY(m_upper->statistics(statistics));
    statistics.type = overlay_magic;
    return {};
}

ErrorOr<RefPtr<OverlayInode>> OverlayFileSystem::inode_for(RefPtr<OverlayInode> parent,
                                                           StringView name,
                                                           RefPtr<vfs::Inode> upper,
                                                           RefPtr<vfs::Inode> lower) {
    uint64_t lower_number = 0;
    if (lower) {
        vfs::Attributes attributes;
        TRY(lower->attributes(attributes));
        lower_number = attributes.inode;
    }
    // A copied-up file is found by its upper copy alone (the upper name hides the lower one),
    // and is still the inode that was copied up while that one lives.
    for (OverlayInode& cached : m_cache) {
        bool same = (upper && cached.upper() == upper.get()) ||
                    (lower && cached.has_lower() && cached.lower_number() == lower_number);
        if (same)
            return RefPtr<OverlayInode>(cached);
    }
    char* copy = new char[name.length ? name.length : 1];
    if (!copy)
        return ENOMEM;
    memcpy(copy, name.data, name.length);
    auto* inode = new OverlayInode(*this, move(parent), copy, name.length, move(upper), move(lower),
                                   lower_number);
    if (!inode) {
        delete[] copy;
        return ENOMEM;
    }
    m_cache.append(*inode);
    return RefPtr<OverlayInode>::adopt(inode);
}

void OverlayFileSystem::forget(OverlayInode& inode) {
    decltype(m_cache)::remove(inode);
}

// Upper inode numbers are never reused (tmpfs counts up), so a record outliving its inode
// misleads no one.
ErrorOr<void> OverlayFileSystem::record_origin(vfs::Inode& upper, uint64_t lower_number) {
    vfs::Attributes attributes;
    TRY(upper.attributes(attributes));
    auto* origin = new Origin{{}, attributes.inode, lower_number};
    if (!origin)
        return ENOMEM;
    m_origins.append(*origin);
    return {};
}

uint64_t OverlayFileSystem::shown_number(uint64_t upper_number) const {
    for (const Origin& origin : const_cast<OverlayFileSystem*>(this)->m_origins)
        if (origin.upper_number == upper_number)
            return origin.lower_number;
    return upper_number + upper_only_inode_base;
}

bool OverlayFileSystem::is_opaque(vfs::Inode& upper_directory) {
    for (OpaqueMark& mark : m_opaque)
        if (mark.directory.get() == &upper_directory)
            return true;
    return false;
}

ErrorOr<void> OverlayFileSystem::set_opaque(vfs::Inode& upper_directory) {
    if (is_opaque(upper_directory))
        return {};
    auto* mark = new OpaqueMark;
    if (!mark)
        return ENOMEM;
    mark->directory = RefPtr<vfs::Inode>(upper_directory);
    m_opaque.append(*mark);
    return {};
}

void OverlayFileSystem::clear_opaque(vfs::Inode& upper_directory) {
    for (OpaqueMark& mark : m_opaque) {
        if (mark.directory.get() == &upper_directory) {
            decltype(m_opaque)::remove(mark);
            delete &mark;
            return;
        }
    }
}

} // namespace kernel::overlay
