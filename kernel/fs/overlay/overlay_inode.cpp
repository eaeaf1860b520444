// One file of the overlay: its upper copy, its lower original, or a directory merging both.
#include "fs/overlay/overlay.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::overlay {

using vfs::NodeType;

namespace {

constexpr size_t copy_chunk = 16384;

bool is_dot_or_dot_dot(StringView name) {
    return name == StringView(".", 1) || name == StringView("..", 2);
}

// Stops at the first entry that is not "." or "..": whether a directory lists anything.
class FirstEntry final : public vfs::DirectoryVisitor {
public:
    bool visit(const vfs::DirectoryEntry& entry) override {
        if (is_dot_or_dot_dot(entry.name))
            return true;
        found = true;
        return false;
    }
    bool found = false;
};

// Finds the first whiteout in an upper directory and keeps its name.
class FirstWhiteout final : public vfs::DirectoryVisitor {
public:
    explicit FirstWhiteout(vfs::Inode& directory) : m_directory(directory) {}
    bool visit(const vfs::DirectoryEntry& entry) override {
        if (entry.type != NodeType::CharacterDevice)
            return true;
        auto inode = m_directory.lookup(entry.name);
        if (inode.is_error() || !is_whiteout(*inode.value()))
            return true;
        memcpy(name, entry.name.data, entry.name.length);
        length = entry.name.length;
        return false;
    }
    char name[vfs::name_max] = {};
    size_t length = 0;

private:
    vfs::Inode& m_directory;
};

// The upper directory's entries, whiteouts left out, numbered as stat numbers them.
class UpperEntries final : public vfs::DirectoryVisitor {
public:
    UpperEntries(OverlayFileSystem& file_system, vfs::Inode& directory,
                 vfs::DirectoryVisitor& visitor)
        : m_file_system(file_system), m_directory(directory), m_visitor(visitor) {}
    bool visit(const vfs::DirectoryEntry& entry) override {
        if (entry.type == NodeType::CharacterDevice) {
            auto inode = m_directory.lookup(entry.name);
            if (!inode.is_error() && is_whiteout(*inode.value()))
                return true;
        }
        vfs::DirectoryEntry shown = entry;
        if (!is_dot_or_dot_dot(entry.name))
            shown.inode = m_file_system.shown_number(entry.inode);
        if (m_visitor.visit(shown))
            return true;
        stopped = true;
        return false;
    }
    bool stopped = false;

private:
    OverlayFileSystem& m_file_system;
    vfs::Inode& m_directory;
    vfs::DirectoryVisitor& m_visitor;
};

// The lower directory's entries not hidden by an upper name (a file, a directory or a
// whiteout), with cookies apart from the upper ones'.
class LowerEntries final : public vfs::DirectoryVisitor {
public:
    // Below 2^63: d_off and lseek positions are signed.
    static constexpr uint64_t lower_phase = 1ull << 62;

    LowerEntries(vfs::Inode* upper, vfs::DirectoryVisitor& visitor)
        : m_upper(upper), m_visitor(visitor) {}
    bool visit(const vfs::DirectoryEntry& entry) override {
        if (m_upper && is_dot_or_dot_dot(entry.name))
            return true;
        if (m_upper && !m_upper->lookup(entry.name).is_error())
            return true;
        vfs::DirectoryEntry shown = entry;
        shown.next = entry.next | lower_phase;
        return m_visitor.visit(shown);
    }

private:
    vfs::Inode* m_upper;
    vfs::DirectoryVisitor& m_visitor;
};

} // namespace

OverlayInode::OverlayInode(OverlayFileSystem& file_system, RefPtr<OverlayInode> parent, char* name,
                           size_t name_length, RefPtr<vfs::Inode> upper, RefPtr<vfs::Inode> lower,
                           uint64_t lower_number)
    : m_file_system(file_system), m_parent(move(parent)), m_name(name), m_name_length(name_length),
      m_type(upper ? upper->type() : lower->type()), m_upper(move(upper)), m_lower(move(lower)),
      m_lower_number(lower_number) {}

OverlayInode::~OverlayInode() {
    m_file_system.forget(*this);
    delete[] m_name;
}

vfs::FileSystem& OverlayInode::file_system() {
    return m_file_system;
}

ErrorOr<void> OverlayInode::attributes(vfs::Attributes& attributes) {
    TRY(current().attributes(attributes));
    // A copied-up file keeps its number, as overlayfs keeps st_ino across copy-up.
    attributes.inode = m_lower ? m_lower_number : m_file_system.shown_number(attributes.inode);
    return {};
}

ErrorOr<void> OverlayInode::change_attributes(const vfs::AttributeChange& change) {
    bool emptied = (change.fields & vfs::AttributeChange::Size) && change.size == 0;
    TRY(copy_up(!emptied));
    return m_upper->change_attributes(change);
}

ErrorOr<RefPtr<OverlayInode>> OverlayInode::find(StringView name) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    RefPtr<vfs::Inode> upper_child, lower_child;
    if (m_upper) {
        auto found = m_upper->lookup(name);
        if (!found.is_error()) {
            upper_child = found.release_value();
            if (is_whiteout(*upper_child))
                return ENOENT;
        } else if (found.error().code() != ENOENT) {
            return found.error();
        }
    }
    bool lower_visible = m_lower && !(m_upper && m_file_system.is_opaque(*m_upper));
    if (lower_visible && (!upper_child || upper_child->type() == NodeType::Directory)) {
        auto found = m_lower->lookup(name);
        if (!found.is_error()) {
            lower_child = found.release_value();
            // Only two directories merge; an upper name hides anything else below it.
            if (upper_child && lower_child->type() != NodeType::Directory)
                lower_child = nullptr;
        } else if (found.error().code() != ENOENT) {
            return found.error();
        }
    }
    if (!upper_child && !lower_child)
        return ENOENT;
    return m_file_system.inode_for(RefPtr<OverlayInode>(this), name, move(upper_child),
                                   move(lower_child));
}

ErrorOr<RefPtr<vfs::Inode>> OverlayInode::lookup(StringView name) {
    auto found = TRY(find(name));
    return RefPtr<vfs::Inode>(move(found));
}

ErrorOr<void> OverlayInode::copy_data(vfs::Inode& destination) {
    auto* buffer = new uint8_t[copy_chunk];
    if (!buffer)
        return ENOMEM;
    uint64_t offset = 0;
    ErrorOr<void> outcome;
    for (;;) {
        auto got = m_lower->read(offset, vfs::IoBuffer::kernel(buffer), copy_chunk);
        if (got.is_error()) {
            outcome = got.error();
            break;
        }
        if (got.value() == 0)
            break;
        auto put = destination.write(offset, vfs::IoBuffer::kernel(buffer), got.value());
        if (put.is_error()) {
            outcome = put.error();
            break;
        }
        if (put.value() != got.value()) {
            outcome = ENOSPC;
            break;
        }
        offset += got.value();
    }
    delete[] buffer;
    return outcome;
}

ErrorOr<void> OverlayInode::copy_up(bool with_data) {
    if (m_upper)
        return {};
    if (!m_parent)
        return EROFS; // the root always has its upper directory
    TRY(m_parent->copy_up(true));
    vfs::Inode& directory = *m_parent->m_upper;
    StringView name(m_name, m_name_length);
    vfs::Attributes original;
    TRY(m_lower->attributes(original));
    uint32_t permissions = original.mode & vfs::permission_mask;
    RefPtr<vfs::Inode> copy;
    if (m_type == NodeType::Symlink) {
        auto* target = new char[vfs::path_max];
        if (!target)
            return ENOMEM;
        auto length = m_lower->read_link(target, vfs::path_max);
        if (length.is_error()) {
            delete[] target;
            return length.error();
        }
        auto made = directory.create_symlink(name, StringView(target, length.value()));
        delete[] target;
        copy = TRY(move(made));
    } else {
        copy = TRY(directory.create(name, m_type, permissions, original.device));
    }
    if (m_type == NodeType::Regular && with_data) {
        auto copied = copy_data(*copy);
        if (copied.is_error()) {
            (void)directory.remove(name, false);
            return copied.error();
        }
    }
    vfs::AttributeChange times;
    times.fields = vfs::AttributeChange::Uid | vfs::AttributeChange::Gid |
                   vfs::AttributeChange::AccessTime | vfs::AttributeChange::ModifyTime;
    times.uid = original.uid;
    times.gid = original.gid;
    times.access_time = original.access_time;
    times.modify_time = original.modify_time;
    if (m_type != NodeType::Symlink)
        TRY(copy->change_attributes(times));
    TRY(m_file_system.record_origin(*copy, m_lower_number));
    m_upper = move(copy);
    return {};
}

bool OverlayInode::is_ancestor_of(OverlayInode& directory) const {
    for (const OverlayInode* inode = &directory; inode; inode = inode->m_parent.get())
        if (inode == this)
            return true;
    return false;
}

ErrorOr<void> OverlayInode::copy_up_tree() {
    TRY(copy_up(true));
    if (m_type != NodeType::Directory || !m_lower || m_file_system.is_opaque(*m_upper))
        return {};
    // The lower listing is enough: what only the upper layer has is up already. A name the
    // upper layer whited out is not found, and stays out.
    struct Children final : vfs::DirectoryVisitor {
        explicit Children(OverlayInode& directory) : directory(directory) {}
        bool visit(const vfs::DirectoryEntry& entry) override {
            if (is_dot_or_dot_dot(entry.name))
                return true;
            auto child = directory.find(entry.name);
            if (child.is_error()) {
                if (child.error().code() == ENOENT)
                    return true;
                result = child.error();
                return false;
            }
            result = child.value()->copy_up_tree();
            return !result.is_error();
        }
        OverlayInode& directory;
        ErrorOr<void> result;
    } children(*this);
    uint64_t cookie = 0;
    TRY(m_lower->read_directory(cookie, children));
    return children.result;
}

ErrorOr<bool> OverlayInode::take_whiteout(StringView name) {
    if (!m_upper)
        return false;
    auto found = m_upper->lookup(name);
    if (found.is_error())
        return found.error().code() == ENOENT ? ErrorOr<bool>(false) : found.error();
    if (!is_whiteout(*found.value()))
        return false;
    TRY(m_upper->remove(name, false));
    return true;
}

ErrorOr<void> OverlayInode::make_whiteout(StringView name) {
    TRY(m_upper->create(name, NodeType::CharacterDevice, 0, 0));
    return {};
}

ErrorOr<bool> OverlayInode::lower_has(StringView name) {
    if (!m_lower)
        return false;
    auto found = m_lower->lookup(name);
    if (found.is_error())
        return found.error().code() == ENOENT ? ErrorOr<bool>(false) : found.error();
    return true;
}

ErrorOr<RefPtr<vfs::Inode>> OverlayInode::create(StringView name, NodeType type, uint32_t mode,
                                                 uint64_t device) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (name.length > vfs::name_max)
        return ENAMETOOLONG;
    auto existing = find(name);
    if (!existing.is_error())
        return EEXIST;
    if (existing.error().code() != ENOENT)
        return existing.error();
    TRY(copy_up(true));
    bool whiteout = TRY(take_whiteout(name));
    auto made = m_upper->create(name, type, mode, device);
    if (made.is_error()) {
        if (whiteout)
            (void)make_whiteout(name);
        return made.error();
    }
    // A directory made where a lower entry was removed must not show that entry's contents.
    if (whiteout && type == NodeType::Directory)
        TRY(m_file_system.set_opaque(*made.value()));
    auto inode = TRY(
        m_file_system.inode_for(RefPtr<OverlayInode>(this), name, made.release_value(), nullptr));
    return RefPtr<vfs::Inode>(move(inode));
}

ErrorOr<RefPtr<vfs::Inode>> OverlayInode::create_symlink(StringView name, StringView target) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    auto existing = find(name);
    if (!existing.is_error())
        return EEXIST;
    if (existing.error().code() != ENOENT)
        return existing.error();
    TRY(copy_up(true));
    bool whiteout = TRY(take_whiteout(name));
    auto made = m_upper->create_symlink(name, target);
    if (made.is_error()) {
        if (whiteout)
            (void)make_whiteout(name);
        return made.error();
    }
    auto inode = TRY(
        m_file_system.inode_for(RefPtr<OverlayInode>(this), name, made.release_value(), nullptr));
    return RefPtr<vfs::Inode>(move(inode));
}

ErrorOr<void> OverlayInode::link(StringView name, vfs::Inode& target) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (&target.file_system() != &m_file_system)
        return EXDEV;
    auto& file = static_cast<OverlayInode&>(target);
    if (file.m_type == NodeType::Directory)
        return EPERM;
    auto existing = find(name);
    if (!existing.is_error())
        return EEXIST;
    if (existing.error().code() != ENOENT)
        return existing.error();
    TRY(copy_up(true));
    TRY(file.copy_up(true));
    bool whiteout = TRY(take_whiteout(name));
    auto linked = m_upper->link(name, *file.m_upper);
    if (linked.is_error() && whiteout)
        (void)make_whiteout(name);
    return linked;
}

ErrorOr<void> OverlayInode::check_empty() {
    FirstEntry first;
    uint64_t cookie = 0;
    TRY(read_directory(cookie, first));
    return first.found ? ErrorOr<void>(ENOTEMPTY) : ErrorOr<void>();
}

ErrorOr<void> OverlayInode::clear_whiteouts() {
    for (;;) {
        FirstWhiteout whiteout(*m_upper);
        uint64_t cookie = 0;
        TRY(m_upper->read_directory(cookie, whiteout));
        if (whiteout.length == 0)
            return {};
        TRY(m_upper->remove(StringView(whiteout.name, whiteout.length), false));
    }
}

ErrorOr<void> OverlayInode::remove(StringView name, bool directory) {
    auto child = TRY(find(name));
    bool is_directory = child->m_type == NodeType::Directory;
    if (directory && !is_directory)
        return ENOTDIR;
    if (!directory && is_directory)
        return EISDIR;
    if (is_directory)
        TRY(child->check_empty());
    TRY(copy_up(true));
    if (child->m_upper) {
        if (is_directory)
            TRY(child->clear_whiteouts());
        TRY(m_upper->remove(name, directory));
        if (is_directory)
            m_file_system.clear_opaque(*child->m_upper);
    }
    // The lower layer's entry of that name, copied up or not, must stay hidden.
    if (child->m_lower || TRY(lower_has(name)))
        TRY(make_whiteout(name));
    // Still open elsewhere perhaps, but no longer what this name finds.
    m_file_system.forget(*child);
    return {};
}

ErrorOr<void> OverlayInode::rename_to(RefPtr<OverlayInode> parent, StringView name) {
    char* copy = new char[name.length ? name.length : 1];
    if (!copy)
        return ENOMEM;
    memcpy(copy, name.data, name.length);
    delete[] m_name;
    m_name = copy;
    m_name_length = name.length;
    m_parent = move(parent);
    return {};
}

ErrorOr<void> OverlayInode::rename(StringView old_name, vfs::Inode& new_directory_inode,
                                   StringView new_name, uint32_t flags) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (&new_directory_inode.file_system() != &m_file_system)
        return EXDEV;
    if (flags & ~(vfs::rename_noreplace | vfs::rename_exchange))
        return EINVAL;
    if ((flags & vfs::rename_noreplace) && (flags & vfs::rename_exchange))
        return EINVAL;
    auto& new_directory = static_cast<OverlayInode&>(new_directory_inode);
    if (new_directory.m_type != NodeType::Directory)
        return ENOTDIR;
    if (new_name.length > vfs::name_max)
        return ENAMETOOLONG;
    auto source = TRY(find(old_name));
    bool exchange = flags & vfs::rename_exchange;
    // A directory with a lower part moves whole: its tree comes up first, and the moved copy
    // shows nothing of the lower layer (overlayfs without redirect_dir says EXDEV instead).
    bool source_merged = source->m_type == NodeType::Directory && source->m_lower;
    RefPtr<OverlayInode> target;
    auto found = new_directory.find(new_name);
    if (!found.is_error())
        target = found.release_value();
    else if (found.error().code() != ENOENT)
        return found.error();
    bool target_merged = false;
    if (exchange) {
        if (!target)
            return ENOENT;
        target_merged = target->m_type == NodeType::Directory && target->m_lower;
    } else if (target) {
        if (flags & vfs::rename_noreplace)
            return EEXIST;
        if (target.get() == source.get())
            return {};
        bool source_directory = source->m_type == NodeType::Directory;
        bool target_directory = target->m_type == NodeType::Directory;
        if (source_directory && !target_directory)
            return ENOTDIR;
        if (!source_directory && target_directory)
            return EISDIR;
        if (target_directory)
            TRY(target->check_empty());
    }
    if (source_merged && source->is_ancestor_of(new_directory))
        return EINVAL; // into itself: checked before its tree is copied
    TRY(copy_up(true));
    TRY(new_directory.copy_up(true));
    TRY(source_merged ? source->copy_up_tree() : source->copy_up(true));
    if (exchange)
        TRY(target_merged ? target->copy_up_tree() : target->copy_up(true));
    if (target && !exchange && target->m_type == NodeType::Directory && target->m_upper)
        TRY(target->clear_whiteouts());
    bool source_hid_lower = source->m_lower || TRY(lower_has(old_name));
    bool lower_at_new_name = TRY(new_directory.lower_has(new_name));
    bool whiteout = TRY(new_directory.take_whiteout(new_name));
    auto renamed = m_upper->rename(old_name, *new_directory.m_upper, new_name, flags);
    if (renamed.is_error()) {
        if (whiteout)
            (void)new_directory.make_whiteout(new_name);
        return renamed.error();
    }
    // What each name showed of the lower layer stays hidden.
    if (source->m_type == NodeType::Directory && (lower_at_new_name || source_merged))
        TRY(m_file_system.set_opaque(*source->m_upper));
    if (exchange && target->m_type == NodeType::Directory && (source_hid_lower || target_merged))
        TRY(m_file_system.set_opaque(*target->m_upper));
    if (!exchange && source_hid_lower)
        TRY(make_whiteout(old_name));
    if (target && !exchange)
        m_file_system.forget(*target);
    TRY(source->rename_to(RefPtr<OverlayInode>(new_directory), new_name));
    if (exchange)
        TRY(target->rename_to(RefPtr<OverlayInode>(this), old_name));
    return {};
}

ErrorOr<void> OverlayInode::read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) {
    if (m_type != NodeType::Directory)
        return ENOTDIR;
    if (!m_upper)
        return m_lower->read_directory(cookie, visitor);
    bool lower_visible = m_lower && !m_file_system.is_opaque(*m_upper);
    if (cookie < LowerEntries::lower_phase) {
        UpperEntries upper(m_file_system, *m_upper, visitor);
        TRY(m_upper->read_directory(cookie, upper));
        // The visitor had no room: the next call resumes in the upper listing.
        if (upper.stopped || !lower_visible)
            return {};
        cookie = LowerEntries::lower_phase;
    }
    if (!lower_visible)
        return {};
    uint64_t lower_cookie = cookie & ~LowerEntries::lower_phase;
    LowerEntries lower(m_upper.get(), visitor);
    TRY(m_lower->read_directory(lower_cookie, lower));
    cookie = lower_cookie | LowerEntries::lower_phase;
    return {};
}

ErrorOr<size_t> OverlayInode::read(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    return current().read(offset, buffer, length);
}

ErrorOr<size_t> OverlayInode::write(uint64_t offset, vfs::IoBuffer buffer, size_t length) {
    if (m_type == NodeType::Regular)
        TRY(copy_up(true));
    return current().write(offset, buffer, length);
}

ErrorOr<void> OverlayInode::sync() {
    return m_upper ? m_upper->sync() : ErrorOr<void>();
}

ErrorOr<uint64_t> OverlayInode::seek_hole_data(uint64_t offset, bool hole) {
    return current().seek_hole_data(offset, hole);
}

// A file of the writable layer has tmpfs's seals (F_SEAL_SEAL); one of the image has none.
ErrorOr<uint32_t> OverlayInode::seals() {
    return current().seals();
}

ErrorOr<PhysicalAddress> OverlayInode::page(uint64_t offset, bool writable) {
    if (writable)
        TRY(copy_up(true));
    return current().page(offset, writable);
}

ErrorOr<size_t> OverlayInode::read_link(char* buffer, size_t capacity) {
    return current().read_link(buffer, capacity);
}

ErrorOr<File*> OverlayInode::open_special(uint32_t flags) {
    return current().open_special(flags);
}

} // namespace kernel::overlay
