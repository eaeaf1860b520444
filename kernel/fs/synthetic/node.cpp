#include "fs/synthetic/node.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::synthetic {

namespace {

constexpr uint32_t access_mode_mask = 3, read_only_access = 0;

bool wants_write(uint32_t flags) {
    return (flags & access_mode_mask) != read_only_access;
}

} // namespace

Node::Node(SyntheticFileSystem& file_system, StringView name, vfs::NodeType type, uint32_t mode,
           uint64_t inode)
    : m_file_system(file_system), m_name(name), m_type(type), m_mode(mode), m_inode(inode) {}

Node::Node(SyntheticFileSystem& file_system, StringView name, vfs::NodeType type, uint32_t mode)
    : Node(file_system, name, type, mode, file_system.allocate_inode_number()) {}

// Generated files report size 0, as Linux's /proc and /sys do: their length is known only
// once generated (programs read them to the end instead).
ErrorOr<void> Node::attributes(vfs::Attributes& attributes) {
    attributes = {};
    attributes.inode = m_inode;
    attributes.mode = static_cast<uint32_t>(m_type) | m_mode;
    attributes.link_count = 1;
    attributes.block_size = 1024;
    attributes.access_time = attributes.modify_time = attributes.change_time =
        m_file_system.mount_time();
    fill_attributes(attributes);
    return {};
}

ErrorOr<RefPtr<vfs::Inode>> Node::create(StringView, vfs::NodeType type, uint32_t, uint64_t) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    const auto& policy = m_file_system.policy();
    return type == vfs::NodeType::Regular ? policy.create_file : policy.create_other;
}

ErrorOr<RefPtr<vfs::Inode>> Node::create_symlink(StringView, StringView) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    return m_file_system.policy().create_other;
}

ErrorOr<void> Node::link(StringView, vfs::Inode&) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    return m_file_system.policy().create_other;
}

ErrorOr<void> Node::remove(StringView name, bool) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    TRY(lookup(name));
    return m_file_system.policy().remove;
}

ErrorOr<void> Node::rename(StringView old_name, vfs::Inode&, StringView, uint32_t) {
    if (m_type != vfs::NodeType::Directory)
        return ENOTDIR;
    TRY(lookup(old_name));
    return m_file_system.policy().remove;
}

size_t Node::path(char* buffer, size_t capacity) const {
    if (capacity == 0)
        return 0;
    // Names from this node up to the root, then written out root first.
    const Node* chain[32];
    size_t depth = 0;
    for (const Node* node = this; node->m_parent && depth < 32; node = node->m_parent)
        chain[depth++] = node;
    size_t length = 0;
    auto put = [&](const char* text, size_t count) {
        size_t taken = min(count, capacity - length);
        memcpy(buffer + length, text, taken);
        length += taken;
    };
    const char* mount = m_file_system.mount_path();
    put(mount, strlen(mount));
    while (depth--) {
        put("/", 1);
        put(chain[depth]->m_name.data, chain[depth]->m_name.length);
    }
    if (length == 0)
        put("/", 1);
    return length;
}

Directory::Directory(SyntheticFileSystem& file_system, StringView name, uint32_t mode)
    : Node(file_system, name, vfs::NodeType::Directory, mode) {}

bool Directory::add(RefPtr<Node> child) {
    if (!child || m_count == max_directory_entries)
        return false;
    child->set_parent(this);
    m_entries[m_count++] = move(child);
    return true;
}

Directory* Directory::add_directory(StringView name, uint32_t mode) {
    auto directory = make_ref<Directory>(synthetic_file_system(), name, mode);
    Directory* raw = directory.get();
    return add(move(directory)) ? raw : nullptr;
}

ErrorOr<RefPtr<vfs::Inode>> Directory::lookup(StringView name) {
    for (size_t i = 0; i < m_count; ++i)
        if (m_entries[i]->name() == name)
            return RefPtr<vfs::Inode>(m_entries[i].get());
    return ENOENT;
}

bool visit_dot_entries(Node& directory, uint64_t& cookie, vfs::DirectoryVisitor& visitor) {
    if (cookie == 0) {
        if (!visitor.visit({".", directory.inode_number(), vfs::NodeType::Directory, 1}))
            return false;
        cookie = 1;
    }
    if (cookie == 1) {
        Node* parent = directory.parent() ? directory.parent() : &directory;
        if (!visitor.visit({"..", parent->inode_number(), vfs::NodeType::Directory, 2}))
            return false;
        cookie = 2;
    }
    return true;
}

// Cookies: 0 and 1 for "." and "..", then 2 + the entry's index.
ErrorOr<void> Directory::read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) {
    if (!visit_dot_entries(*this, cookie, visitor))
        return {};
    for (; cookie - 2 < m_count; ++cookie) {
        Node& entry = *m_entries[cookie - 2];
        if (!visitor.visit({entry.name(), entry.inode_number(), entry.type(), cookie + 1}))
            break;
    }
    return {};
}

// A directory's link count is 2 (its entry and ".") plus one per subdirectory's "..".
void Directory::fill_attributes(vfs::Attributes& attributes) {
    attributes.link_count = 2;
    for (size_t i = 0; i < m_count; ++i)
        if (m_entries[i]->type() == vfs::NodeType::Directory)
            ++attributes.link_count;
}

GeneratedFile::GeneratedFile(SyntheticFileSystem& file_system, StringView name, Generator generator,
                             Errno write_error, Errno open_for_write_error, uint32_t mode)
    : Node(file_system, name, vfs::NodeType::Regular, mode), m_generator(generator),
      m_write_error(write_error), m_open_for_write_error(open_for_write_error) {}

ErrorOr<void> GeneratedFile::generate(TextBuffer& text) const {
    auto& self = const_cast<GeneratedFile&>(*this);
    m_generator(self.synthetic_file_system().facts(), text);
    return text.result();
}

ErrorOr<File*> GeneratedFile::open_special(uint32_t flags) {
    if (m_open_for_write_error && wants_write(flags))
        return m_open_for_write_error;
    TextBuffer text;
    TRY(generate(text));
    return synthetic_file_system().opener().open_text(move(text), *this, flags, m_write_error);
}

Symlink::Symlink(SyntheticFileSystem& file_system, StringView name, const char* target,
                 uint32_t mode)
    : Node(file_system, name, vfs::NodeType::Symlink, mode), m_fixed_target(target) {}

Symlink::Symlink(SyntheticFileSystem& file_system, StringView name, Generator target, uint32_t mode)
    : Node(file_system, name, vfs::NodeType::Symlink, mode), m_target(target) {}

ErrorOr<size_t> Symlink::read_link(char* buffer, size_t capacity) {
    if (m_fixed_target) {
        size_t length = min(strlen(m_fixed_target), capacity);
        memcpy(buffer, m_fixed_target, length);
        return length;
    }
    TextBuffer text;
    m_target(synthetic_file_system().facts(), text);
    TRY(text.result());
    size_t length = min(text.length(), capacity);
    memcpy(buffer, text.data(), length);
    return length;
}

DeviceNode::DeviceNode(SyntheticFileSystem& file_system, StringView name, DeviceKind kind,
                       uint32_t major, uint32_t minor, uint32_t mode)
    : Node(file_system, name, vfs::NodeType::CharacterDevice, mode), m_kind(kind),
      m_device(encode_device(major, minor)) {}

void DeviceNode::fill_attributes(vfs::Attributes& attributes) {
    attributes.device = m_device;
}

// /dev/tty is the process's controlling terminal, which a unikernel's program never has:
// Linux's tty_open answers ENXIO then.
ErrorOr<File*> DeviceNode::open_special(uint32_t flags) {
    if (m_kind == DeviceKind::Tty)
        return ENXIO;
    return synthetic_file_system().opener().open_device(m_kind, *this, flags);
}

SyntheticFileSystem::SyntheticFileSystem(const char* type, const char* mount_path,
                                         ChangePolicy policy, const SystemFacts& facts,
                                         FileOpener& opener, uint32_t root_mode)
    : m_type(type), m_mount_path(mount_path), m_policy(policy), m_facts(facts), m_opener(opener) {
    m_mount_time.seconds = static_cast<int64_t>(facts.boot_time_seconds());
    m_root = make_ref<Directory>(*this, StringView(""), root_mode);
}

SyntheticFileSystem::~SyntheticFileSystem() {
    m_root.clear();
    for (char* name : m_kept_names)
        delete[] name;
}

StringView SyntheticFileSystem::keep_name(const char* text) {
    for (char*& slot : m_kept_names) {
        if (slot)
            continue;
        size_t length = strlen(text);
        slot = new char[length + 1];
        if (!slot)
            return {};
        memcpy(slot, text, length + 1);
        return StringView(slot, length);
    }
    return {};
}

RefPtr<vfs::Inode> SyntheticFileSystem::root() {
    return RefPtr<vfs::Inode>(m_root.get());
}

ErrorOr<void> SyntheticFileSystem::statistics(vfs::FileSystemStatistics& statistics) {
    statistics = {};
    statistics.type = m_magic;
    return {};
}

} // namespace kernel::synthetic
