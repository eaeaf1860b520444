// The path walk of path_resolution(7) and the mount table.
#include "fs/vfs/vfs.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::vfs {

namespace {

// The part of the path still to walk. A symbolic link's target is spliced in front of what
// followed the link, so one loop walks links and the path alike.
class RemainingPath {
public:
    explicit RemainingPath(StringView path) : m_path(path) {}
    ~RemainingPath() { delete[] m_owned; }
    RemainingPath(const RemainingPath&) = delete;
    RemainingPath& operator=(const RemainingPath&) = delete;

    StringView view() const { return m_path; }
    void advance(size_t count) { m_path = StringView(m_path.data + count, m_path.length - count); }

    // `rest` points into this path, so the new one is built before the old one is let go.
    ErrorOr<void> splice(const char* target, size_t target_length, StringView rest) {
        size_t length = target_length + rest.length;
        char* joined = new char[length];
        if (!joined)
            return ENOMEM;
        memcpy(joined, target, target_length);
        memcpy(joined + target_length, rest.data, rest.length);
        delete[] m_owned;
        m_owned = joined;
        m_path = StringView(joined, length);
        return {};
    }

private:
    StringView m_path;
    char* m_owned = nullptr;
};

bool only_slashes(StringView text) {
    for (size_t i = 0; i < text.length; ++i)
        if (text[i] != '/')
            return false;
    return true;
}

void set_name(WalkResult& result, StringView name, LastComponent last, bool trailing_slash) {
    memcpy(result.name, name.data, name.length);
    result.name[name.length] = '\0';
    result.name_length = name.length;
    result.last = last;
    result.trailing_slash = trailing_slash;
}

// A link's target, read whole: Linux's targets are shorter than PATH_MAX.
class LinkTarget {
public:
    ~LinkTarget() { delete[] m_text; }
    ErrorOr<void> read(Inode& link) {
        m_text = new char[path_max];
        if (!m_text)
            return ENOMEM;
        m_length = TRY(link.read_link(m_text, path_max));
        if (m_length == 0)
            return ENOENT; // an empty target names nothing (Linux's nd_jump_link / get_link)
        if (m_length >= path_max)
            return ENAMETOOLONG;
        return {};
    }
    const char* text() const { return m_text; }
    size_t length() const { return m_length; }

private:
    char* m_text = nullptr;
    size_t m_length = 0;
};

} // namespace

ErrorOr<void> FileTree::mount(RefPtr<FileSystem> file_system, StringView path) {
    if (!file_system)
        return EINVAL;
    if (path.is_empty() || path[0] != '/')
        return EINVAL;
    // Linux's anonymous devices: major 0, and a minor below 256 encodes as itself.
    if (only_slashes(path)) {
        if (m_root)
            return EBUSY;
        file_system->set_device_id(m_next_device_minor++);
        m_root = Location::make(file_system->root(), nullptr, StringView("", 0));
        if (!m_root)
            return ENOMEM;
        m_working_directory = m_root;
        m_root_file_system = move(file_system);
        return {};
    }
    if (!m_root)
        return ENOENT;
    if (m_mount_count == max_mounts)
        return ENOMEM;
    auto place = TRY(resolve_at(nullptr, path, true));
    if (place->inode().type() != NodeType::Directory)
        return ENOTDIR;
    Attributes attributes;
    TRY(place->inode().attributes(attributes));
    file_system->set_device_id(m_next_device_minor++);
    Mounted& mounted = m_mounts[m_mount_count++];
    mounted.covered_file_system = &place->inode().file_system();
    mounted.covered_inode = attributes.inode;
    mounted.file_system = move(file_system);
    mounted.place = move(place);
    return {};
}

bool FileTree::is_mount_point(Inode& inode) {
    for (int i = 0; i < m_mount_count; ++i) {
        const Mounted& mounted = m_mounts[i];
        if (mounted.covered_file_system != &inode.file_system())
            continue;
        Attributes attributes;
        if (!inode.attributes(attributes).is_error() && attributes.inode == mounted.covered_inode)
            return true;
    }
    return false;
}

ErrorOr<RefPtr<Location>> FileTree::enter(const RefPtr<Location>& directory, StringView name,
                                          RefPtr<Inode> inode) {
    // Mounts stack: a file system mounted on another's root is found in turn.
    for (int i = 0; i < m_mount_count; ++i) {
        const Mounted& mounted = m_mounts[i];
        if (mounted.covered_file_system != &inode->file_system())
            continue;
        Attributes attributes;
        TRY(inode->attributes(attributes));
        if (attributes.inode != mounted.covered_inode)
            continue;
        inode = mounted.file_system->root();
        i = -1;
    }
    auto location = Location::make(move(inode), directory, name);
    if (!location)
        return ENOMEM;
    return location;
}

ErrorOr<void> FileTree::walk(Location* base, StringView path, Mode mode, bool follow_last_link,
                             WalkResult& result) {
    if (!m_root)
        return ENOENT;
    if (path.is_empty())
        return ENOENT;
    if (path.length >= path_max)
        return ENAMETOOLONG;
    RefPtr<Location> current =
        path[0] == '/' ? m_root : (base ? RefPtr<Location>(base) : m_working_directory);
    RemainingPath remaining(path);
    int links_followed = 0;
    for (;;) {
        StringView left = remaining.view();
        size_t start = 0;
        while (start < left.length && left[start] == '/')
            ++start;
        if (start == left.length) {
            // "/" itself, or a link to a directory ending the path.
            result.parent = current;
            result.target = current;
            set_name(result, StringView("/", 1), LastComponent::Root, false);
            return {};
        }
        size_t end = start;
        while (end < left.length && left[end] != '/')
            ++end;
        StringView name(left.data + start, end - start);
        StringView rest(left.data + end, left.length - end);
        if (name.length > name_max)
            return ENAMETOOLONG;
        bool last = only_slashes(rest);
        bool trailing_slash = last && !rest.is_empty();
        if (current->inode().type() != NodeType::Directory)
            return ENOTDIR;

        bool dot = name == StringView(".", 1);
        bool dot_dot = name == StringView("..", 2);
        LastComponent kind = dot       ? LastComponent::Dot
                             : dot_dot ? LastComponent::DotDot
                                       : LastComponent::Normal;
        if (last && mode == Mode::Parent) {
            result.parent = current;
            result.target = nullptr;
            set_name(result, name, kind, trailing_slash);
            return {};
        }
        if (dot || dot_dot) {
            if (dot_dot && current->parent())
                current = RefPtr<Location>(current->parent());
            if (last) {
                result.parent = current;
                result.target = current;
                set_name(result, name, kind, trailing_slash);
                return {};
            }
            remaining.advance(end);
            continue;
        }

        auto found = current->inode().lookup(name);
        if (found.is_error()) {
            if (last && mode == Mode::Create && found.error().code() == ENOENT) {
                result.parent = current;
                result.target = nullptr;
                set_name(result, name, kind, trailing_slash);
                return {};
            }
            return found.error();
        }
        RefPtr<Inode> inode = found.release_value();
        if (inode->type() == NodeType::Symlink && (!last || trailing_slash || follow_last_link)) {
            if (++links_followed > max_link_follows)
                return ELOOP;
            LinkTarget target;
            TRY(target.read(*inode));
            if (target.text()[0] == '/')
                current = m_root;
            TRY(remaining.splice(target.text(), target.length(), rest));
            continue;
        }
        auto child = TRY(enter(current, name, move(inode)));
        if (last) {
            if (trailing_slash && child->inode().type() != NodeType::Directory)
                return ENOTDIR;
            result.parent = current;
            result.target = move(child);
            set_name(result, name, kind, trailing_slash);
            return {};
        }
        current = move(child);
        remaining.advance(end);
    }
}

ErrorOr<RefPtr<Location>> FileTree::resolve_at(Location* base, StringView path,
                                               bool follow_last_link) {
    WalkResult result;
    TRY(walk(base, path, Mode::Resolve, follow_last_link, result));
    return move(result.target);
}

ErrorOr<void> FileTree::resolve_parent_at(Location* base, StringView path, WalkResult& result) {
    return walk(base, path, Mode::Parent, false, result);
}

ErrorOr<void> FileTree::resolve_for_create_at(Location* base, StringView path,
                                              bool follow_last_link, WalkResult& result) {
    return walk(base, path, Mode::Create, follow_last_link, result);
}

ErrorOr<RefPtr<Inode>> FileTree::make_directories(StringView path, uint32_t mode) {
    if (path.is_empty() || path[0] != '/')
        return EINVAL;
    // Each prefix ending at a component, in turn: boot-time paths are short.
    for (size_t end = 1; end <= path.length; ++end) {
        if (end < path.length && path[end] != '/')
            continue;
        StringView prefix(path.data, end);
        auto existing = resolve_at(nullptr, prefix, true);
        if (!existing.is_error()) {
            if (existing.value()->inode().type() != NodeType::Directory)
                return ENOTDIR;
            continue;
        }
        if (existing.error().code() != ENOENT)
            return existing.error();
        WalkResult parent;
        TRY(resolve_parent_at(nullptr, prefix, parent));
        if (parent.last != LastComponent::Normal)
            return EINVAL;
        TRY(parent.parent->inode().create(parent.last_name(), NodeType::Directory, mode, 0));
    }
    auto made = TRY(resolve_at(nullptr, path, true));
    return made->inode_reference();
}

ErrorOr<void> FileTree::write_file(StringView path, const void* contents, size_t length,
                                   uint32_t mode) {
    WalkResult place;
    TRY(resolve_for_create_at(nullptr, path, true, place));
    if (place.last != LastComponent::Normal || place.trailing_slash)
        return EISDIR;
    RefPtr<Inode> file;
    if (place.target) {
        file = place.target->inode_reference();
        if (file->type() != NodeType::Regular)
            return EISDIR;
        AttributeChange change;
        change.fields = AttributeChange::Size | AttributeChange::Mode;
        change.size = 0;
        change.mode = mode & permission_mask;
        TRY(file->change_attributes(change));
    } else {
        file = TRY(place.parent->inode().create(place.last_name(), NodeType::Regular,
                                                mode & permission_mask, 0));
    }
    size_t written = TRY(file->write(0, IoBuffer::kernel(contents), length));
    if (written != length)
        return ENOSPC;
    return {};
}

FileTree& file_tree() {
    static Lifelong<FileTree> storage;
    static FileTree& tree = storage.construct();
    return tree;
}

ErrorOr<void> mount(RefPtr<FileSystem> file_system, StringView path) {
    return file_tree().mount(move(file_system), path);
}

ErrorOr<RefPtr<Inode>> resolve(StringView path, bool follow_last_link) {
    auto location = TRY(file_tree().resolve_at(nullptr, path, follow_last_link));
    return location->inode_reference();
}

ErrorOr<RefPtr<Inode>> make_directories(StringView path, uint32_t mode) {
    return file_tree().make_directories(path, mode);
}

ErrorOr<void> write_file(StringView path, const void* contents, size_t length, uint32_t mode) {
    return file_tree().write_file(path, contents, length, mode);
}

} // namespace kernel::vfs
