// tmpfs inodes: the directory, file and link operations with Linux's answers (rename(2),
// link(2), unlink(2), rmdir(2), truncate(2)).
#include "fs/tmpfs/tmpfs.h"

#include "fs/vfs/lent_pages.h"
#include "lib/string.h"
#include "lib/zero_page.h"
#include "mm/frame_allocator.h"

namespace kernel::tmpfs {

using vfs::NodeType;

namespace {

constexpr uint64_t page_size = 4096;
// Linux's MAX_LFS_FILESIZE bounds offsets; here the page table's reach does.
constexpr uint64_t max_file_size = FilePages::max_pages * page_size;
// A directory's link count: its entry in its parent, its own ".", and each subdirectory's "..".
constexpr uint32_t max_links = 0xffffffff;

// A file's frames as the mappings that borrowed them see them.
class LentFilePages final : public vfs::LentPages {
public:
    explicit LentFilePages(const FilePages& pages) : m_pages(pages) {}
    bool lent(uint64_t offset, PhysicalAddress frame) const override {
        return frame != 0 && m_pages.find(offset / page_size) == frame;
    }

private:
    const FilePages& m_pages;
};

} // namespace

TmpInode::TmpInode(TmpFileSystem& file_system, NodeType type, uint32_t mode, uint64_t device)
    : m_file_system(file_system), m_type(type), m_number(file_system.next_inode_number()),
      m_permissions(mode & vfs::permission_mask), m_device(device), m_pages(file_system),
      m_seals(file_system.files_sealable() ? 0 : vfs::seal::seal) {
    m_access_time = m_modify_time = m_change_time = file_system.now();
    file_system.inode_created();
}

TmpInode::~TmpInode() {
    while (TmpEntry* entry = m_entries.take_first()) {
        delete[] entry->name;
        delete entry;
    }
    delete[] m_target;
    m_file_system.inode_destroyed();
}

void TmpInode::touch_change() {
    m_change_time = m_file_system.now();
}

void TmpInode::touch_modify() {
    m_modify_time = m_change_time = m_file_system.now();
}

ErrorOr<void> TmpInode::attributes(vfs::Attributes& attributes) {
    attributes = {};
    attributes.inode = m_number;
    attributes.mode = static_cast<uint32_t>(m_type) | m_permissions;
    attributes.link_count = m_link_count;
    attributes.uid = m_uid;
    attributes.gid = m_gid;
    switch (m_type) {
    case NodeType::Regular:
        attributes.size = m_size;
        break;
    case NodeType::Directory:
        // Linux's tmpfs: BOGO_DIRENT_SIZE (20) per entry, plus "." and "..".
        attributes.size = 40;
        for (TmpEntry& entry : m_entries) {
            (void)entry;
            attributes.size += 20;
        }
        break;
    case NodeType::Symlink:
        attributes.size = m_target_length;
        break;
    default:
        break;
    }
    attributes.blocks = m_pages.page_count() * (page_size / 512);
    attributes.block_size = page_size;
    attributes.device = m_device;
    attributes.access_time = m_access_time;
    attributes.modify_time = m_modify_time;
    attributes.change_time = m_change_time;
    return {};
}

ErrorOr<void> TmpInode::truncate(uint64_t size) {
    if (m_type == NodeType::Directory)
        return EISDIR;
    if (m_type != NodeType::Regular)
        return EINVAL;
    if (size > max_file_size)
        return EFBIG;
    if ((size < m_size && (m_seals & vfs::seal::shrink)) ||
        (size > m_size && (m_seals & vfs::seal::grow)))
        return EPERM;
    if (size < m_size) {
        uint64_t first_freed = (size + page_size - 1) / page_size;
        // Mappings let go of the pages first: none may keep a frame that goes back to the
        // allocator (Linux's truncate_pagecache unmaps them; an access then gets SIGBUS).
        vfs::take_back_pages(LentFilePages(m_pages), first_freed * page_size);
        m_pages.free_from(first_freed);
        // The kept tail of the last page reads as zeros if the file grows again (and through
        // a mapping of it meanwhile, as Linux's truncate_pagecache zeroes it).
        if (size % page_size) {
            PhysicalAddress last = m_pages.find(size / page_size);
            if (last)
                memset(m_file_system.frames().to_virtual(last) + size % page_size, 0,
                       page_size - size % page_size);
        }
    }
    m_size = size;
    touch_modify();
    return {};
}

ErrorOr<void> TmpInode::change_attributes(const vfs::AttributeChange& change) {
    using vfs::AttributeChange;
    // F_SEAL_EXEC: the execute bits stay as they are (memfd_create(2)).
    if ((change.fields & AttributeChange::Mode) && (m_seals & vfs::seal::exec) &&
        ((change.mode ^ m_permissions) & 0111))
        return EPERM;
    if (change.fields & AttributeChange::Size)
        TRY(truncate(change.size));
    if (change.fields & AttributeChange::Mode)
        m_permissions = change.mode & vfs::permission_mask;
    if (change.fields & AttributeChange::Uid)
        m_uid = change.uid;
    if (change.fields & AttributeChange::Gid)
        m_gid = change.gid;
    if (change.fields & AttributeChange::AccessTime)
        m_access_time = change.access_time;
    if (change.fields & AttributeChange::ModifyTime)
        m_modify_time = change.modify_time;
    touch_change();
    return {};
}

TmpEntry* TmpInode::find(StringView name) {
    for (TmpEntry& entry : m_entries)
        if (entry.view() == name)
            return &entry;
    return nullptr;
}

ErrorOr<void> TmpInode::check_new_name(StringView name) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    // A directory removed while still open or the working directory takes no new entries.
    if (m_link_count == 0)
        return ENOENT;
    if (name.length > vfs::name_max)
        return ENAMETOOLONG;
    if (find(name))
        return EEXIST;
    return {};
}

ErrorOr<TmpEntry*> TmpInode::add_entry(StringView name, RefPtr<TmpInode> inode) {
    auto* entry = new TmpEntry;
    if (!entry)
        return ENOSPC;
    entry->name = new char[name.length];
    if (!entry->name) {
        delete entry;
        return ENOSPC;
    }
    memcpy(entry->name, name.data, name.length);
    entry->name_length = name.length;
    entry->cookie = m_next_cookie++;
    if (inode->m_type == NodeType::Directory) {
        inode->m_parent = this;
        ++m_link_count;
    }
    ++inode->m_link_count;
    entry->inode = move(inode);
    m_entries.append(*entry);
    touch_modify();
    return entry;
}

// Unlinks the entry; the inode lives on while referred to elsewhere (an open file).
void TmpInode::drop_entry(TmpEntry& entry) {
    TmpInode& inode = *entry.inode;
    if (inode.m_type == NodeType::Directory) {
        --m_link_count;
        inode.m_link_count = 0; // its "." and its name go together
        inode.m_parent = nullptr;
    } else {
        --inode.m_link_count;
    }
    inode.touch_change();
    decltype(m_entries)::remove(entry);
    delete[] entry.name;
    delete &entry;
    touch_modify();
}

ErrorOr<RefPtr<vfs::Inode>> TmpInode::lookup(StringView name) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    TmpEntry* entry = find(name);
    if (!entry)
        return ENOENT;
    return RefPtr<vfs::Inode>(entry->inode);
}

ErrorOr<RefPtr<vfs::Inode>> TmpInode::create(StringView name, NodeType type, uint32_t mode,
                                             uint64_t device) {
    TRY(check_new_name(name));
    if (type == NodeType::Directory && m_link_count == max_links)
        return EMLINK;
    auto inode = make_ref<TmpInode>(
        m_file_system, type, mode,
        type == NodeType::CharacterDevice || type == NodeType::BlockDevice ? device : 0);
    if (!inode)
        return ENOSPC;
    if (type == NodeType::Directory)
        inode->m_link_count = 1; // its "."; its entry adds the other
    TRY(add_entry(name, inode));
    return RefPtr<vfs::Inode>(inode);
}

ErrorOr<void> TmpInode::set_link_target(StringView target) {
    m_target = new char[target.length ? target.length : 1];
    if (!m_target)
        return ENOSPC;
    memcpy(m_target, target.data, target.length);
    m_target_length = target.length;
    return {};
}

ErrorOr<RefPtr<vfs::Inode>> TmpInode::create_symlink(StringView name, StringView target) {
    TRY(check_new_name(name));
    if (target.length >= vfs::path_max)
        return ENAMETOOLONG;
    auto inode = make_ref<TmpInode>(m_file_system, NodeType::Symlink, 0777, 0);
    if (!inode)
        return ENOSPC;
    TRY(inode->set_link_target(target));
    TRY(add_entry(name, inode));
    return RefPtr<vfs::Inode>(inode);
}

ErrorOr<void> TmpInode::link(StringView name, vfs::Inode& target) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (&target.file_system() != &m_file_system)
        return EXDEV;
    auto& file = static_cast<TmpInode&>(target);
    if (file.m_type == NodeType::Directory)
        return EPERM; // link(2): hard links to directories are not allowed
    TRY(check_new_name(name));
    if (file.m_link_count == 0)
        return ENOENT; // an unlinked file cannot get a name back (linkat(2))
    if (file.m_link_count == max_links)
        return EMLINK;
    TRY(add_entry(name, RefPtr<TmpInode>(file)));
    file.touch_change();
    return {};
}

bool TmpInode::is_empty_directory() {
    return m_entries.is_empty();
}

ErrorOr<void> TmpInode::remove(StringView name, bool directory) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    TmpEntry* entry = find(name);
    if (!entry)
        return ENOENT;
    bool is_directory = entry->inode->m_type == NodeType::Directory;
    if (directory && !is_directory)
        return ENOTDIR;
    if (!directory && is_directory)
        return EISDIR;
    if (is_directory && !entry->inode->is_empty_directory())
        return ENOTEMPTY;
    drop_entry(*entry);
    return {};
}

// Whether this directory is `directory` or one of its ancestors: a directory cannot move into
// its own subtree (rename(2): EINVAL).
bool TmpInode::is_ancestor_of(TmpInode& directory) {
    for (TmpInode* place = &directory; place; place = place->m_parent)
        if (place == this)
            return true;
    return false;
}

void TmpInode::move_entry(TmpEntry& entry, TmpInode& new_directory) {
    if (&new_directory == this)
        return;
    decltype(m_entries)::remove(entry);
    entry.cookie = new_directory.m_next_cookie++;
    new_directory.m_entries.append(entry);
    if (entry.inode->m_type == NodeType::Directory) {
        --m_link_count;
        ++new_directory.m_link_count;
        entry.inode->m_parent = &new_directory;
    }
}

ErrorOr<void> TmpInode::exchange(TmpEntry& from, TmpInode& to_directory, TmpEntry& to) {
    TmpInode& first = *from.inode;
    TmpInode& second = *to.inode;
    if (first.m_type == NodeType::Directory && first.is_ancestor_of(to_directory))
        return EINVAL;
    if (second.m_type == NodeType::Directory && second.is_ancestor_of(*this))
        return EINVAL;
    from.inode.swap(to.inode);
    if (&to_directory != this) {
        bool first_directory = first.m_type == NodeType::Directory;
        bool second_directory = second.m_type == NodeType::Directory;
        if (first_directory) {
            first.m_parent = &to_directory;
            --m_link_count;
            ++to_directory.m_link_count;
        }
        if (second_directory) {
            second.m_parent = this;
            ++m_link_count;
            --to_directory.m_link_count;
        }
    }
    first.touch_change();
    second.touch_change();
    touch_modify();
    to_directory.touch_modify();
    return {};
}

ErrorOr<void> TmpInode::rename(StringView old_name, vfs::Inode& new_directory_inode,
                               StringView new_name, uint32_t flags) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (&new_directory_inode.file_system() != &m_file_system)
        return EXDEV;
    if (flags & ~(vfs::rename_noreplace | vfs::rename_exchange))
        return EINVAL;
    if ((flags & vfs::rename_noreplace) && (flags & vfs::rename_exchange))
        return EINVAL;
    auto& new_directory = static_cast<TmpInode&>(new_directory_inode);
    if (new_directory.m_type != NodeType::Directory)
        return ENOTDIR;
    if (new_name.length > vfs::name_max)
        return ENAMETOOLONG;
    TmpEntry* from = find(old_name);
    if (!from)
        return ENOENT;
    TmpEntry* to = new_directory.find(new_name);
    if (flags & vfs::rename_exchange) {
        if (!to)
            return ENOENT;
        return exchange(*from, new_directory, *to);
    }
    if (to && (flags & vfs::rename_noreplace))
        return EEXIST;
    TmpInode& moving = *from->inode;
    bool moving_directory = moving.m_type == NodeType::Directory;
    // Two names of one file: rename(2) does nothing and succeeds.
    if (to && to->inode.get() == &moving)
        return {};
    if (moving_directory && moving.is_ancestor_of(new_directory))
        return EINVAL;
    if (new_directory.m_link_count == 0)
        return ENOENT;
    // The new name's buffer first: nothing has changed if it cannot be had.
    char* name = nullptr;
    if (!(from->view() == new_name)) {
        name = new char[new_name.length];
        if (!name)
            return ENOSPC;
        memcpy(name, new_name.data, new_name.length);
    }
    if (to) {
        bool replacing_directory = to->inode->m_type == NodeType::Directory;
        Errno refusal = static_cast<Errno>(0);
        if (moving_directory && !replacing_directory)
            refusal = ENOTDIR;
        else if (!moving_directory && replacing_directory)
            refusal = EISDIR;
        else if (replacing_directory && !to->inode->is_empty_directory())
            refusal = ENOTEMPTY;
        if (refusal) {
            delete[] name;
            return refusal;
        }
        new_directory.drop_entry(*to);
    }
    if (name) {
        delete[] from->name;
        from->name = name;
        from->name_length = new_name.length;
    }
    move_entry(*from, new_directory);
    moving.touch_change();
    touch_modify();
    new_directory.touch_modify();
    return {};
}

ErrorOr<void> TmpInode::read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (cookie == 0) {
        if (!visitor.visit({StringView(".", 1), m_number, NodeType::Directory, 1}))
            return {};
        cookie = 1;
    }
    if (cookie == 1) {
        uint64_t parent = m_parent ? m_parent->m_number : m_number;
        if (!visitor.visit({StringView("..", 2), parent, NodeType::Directory, 2}))
            return {};
        cookie = 2;
    }
    for (TmpEntry& entry : m_entries) {
        if (entry.cookie < cookie)
            continue;
        vfs::DirectoryEntry record{entry.view(), entry.inode->m_number, entry.inode->m_type,
                                   entry.cookie + 1};
        if (!visitor.visit(record))
            return {};
        cookie = entry.cookie + 1;
    }
    return {};
}

ErrorOr<size_t> TmpInode::read(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (m_type == NodeType::Directory)
        return EISDIR;
    if (m_type != NodeType::Regular)
        return EINVAL;
    if (offset >= m_size)
        return static_cast<size_t>(0);
    length = static_cast<size_t>(min<uint64_t>(length, m_size - offset));
    size_t done = 0;
    while (done < length) {
        uint64_t position = offset + done;
        size_t in_page = position % page_size;
        size_t chunk = min<size_t>(length - done, page_size - in_page);
        PhysicalAddress page = m_pages.find(position / page_size);
        const uint8_t* source =
            page ? m_file_system.frames().to_virtual(page) + in_page : zero_page;
        auto copied = buffer.write(done, source, chunk);
        if (copied.is_error()) {
            if (done)
                break;
            return copied.error();
        }
        done += chunk;
    }
    return done;
}

ErrorOr<size_t> TmpInode::write(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (m_type == NodeType::Directory)
        return EISDIR;
    if (m_type != NodeType::Regular)
        return EINVAL;
    if (m_seals & (vfs::seal::write | vfs::seal::future_write))
        return EPERM;
    if (length == 0)
        return static_cast<size_t>(0);
    uint64_t end;
    if (!range_end(offset, length, end) || offset >= max_file_size)
        return EFBIG;
    // write(2): as much as fits below the limit is written.
    length = static_cast<size_t>(min<uint64_t>(end, max_file_size) - offset);
    size_t done = 0;
    Errno failure = static_cast<Errno>(0);
    while (done < length) {
        uint64_t position = offset + done;
        size_t in_page = position % page_size;
        size_t chunk = min<size_t>(length - done, page_size - in_page);
        // F_SEAL_GROW: a page's worth that would pass the end is refused, as Linux's
        // shmem_write_begin refuses it; what came before stays written.
        if ((m_seals & vfs::seal::grow) && position + chunk > m_size) {
            failure = EPERM;
            break;
        }
        auto page = m_pages.materialize(position / page_size);
        if (page.is_error()) {
            failure = page.error().code();
            break;
        }
        uint8_t* destination = m_file_system.frames().to_virtual(page.value()) + in_page;
        auto copied = buffer.read(done, destination, chunk);
        if (copied.is_error()) {
            failure = copied.error().code();
            break;
        }
        done += chunk;
    }
    if (done == 0)
        return failure;
    if (offset + done > m_size)
        m_size = offset + done;
    touch_modify();
    return done;
}

ErrorOr<PhysicalAddress> TmpInode::page(uint64_t offset, bool) {
    if (m_type != NodeType::Regular)
        return ENODEV;
    if (offset % page_size)
        return EINVAL;
    // Past the last page is SIGBUS for whoever touches it (mmap(2)); the caller decides.
    if (offset >= align_up(m_size, page_size))
        return ENXIO;
    return m_pages.materialize(offset / page_size);
}

// Holes are the pages never written (or punched, or cut off and grown back): the page is the
// unit, as Linux's shmem_file_llseek finds them.
ErrorOr<uint64_t> TmpInode::seek_hole_data(uint64_t offset, bool hole) {
    if (m_type != NodeType::Regular)
        return Inode::seek_hole_data(offset, hole);
    if (offset >= m_size)
        return ENXIO;
    uint64_t page_end = (m_size + page_size - 1) / page_size;
    uint64_t index = m_pages.next(offset / page_size, page_end, !hole);
    if (index == page_end)
        return hole ? ErrorOr<uint64_t>(m_size) : ErrorOr<uint64_t>(ENXIO);
    return min(max(offset, index * page_size), m_size);
}

ErrorOr<uint32_t> TmpInode::seals() {
    if (m_type != NodeType::Regular)
        return EINVAL;
    return m_seals;
}

// The caller checked that no shared mapping may write when seal::write comes (EBUSY).
ErrorOr<void> TmpInode::add_seals(uint32_t seals) {
    if (m_type != NodeType::Regular || (seals & ~vfs::seal::all))
        return EINVAL;
    if (m_seals & vfs::seal::seal)
        return EPERM;
    m_seals |= seals;
    return {};
}

ErrorOr<size_t> TmpInode::read_link(char* buffer, size_t capacity) {
    if (m_type != NodeType::Symlink)
        return EINVAL;
    size_t length = min(capacity, m_target_length);
    memcpy(buffer, m_target, length);
    return length;
}

} // namespace kernel::tmpfs
