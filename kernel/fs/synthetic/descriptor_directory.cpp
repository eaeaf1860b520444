#include "fs/synthetic/descriptor_directory.h"

#include "lib/format.h"
#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::synthetic {

namespace {

constexpr uint32_t access_mode_mask = 3, write_only_access = 1, read_write_access = 2;

// Linux gives the link owner permissions matching the descriptor's access: lr-x for reading,
// l-wx for writing, lrwx for both (proc_fd_link's i_mode).
uint32_t link_mode(uint32_t access) {
    switch (access & access_mode_mask) {
    case write_only_access:
        return 0300;
    case read_write_access:
        return 0700;
    default:
        return 0500;
    }
}

// The link's name lives in the node: a base initialized before Node, which borrows it.
struct DescriptorName {
    DescriptorName(int fd) : length(format_within(text, sizeof text, "%d", fd)) {}
    char text[12];
    size_t length;
};

class DescriptorLink final : private DescriptorName, public Node {
public:
    DescriptorLink(SyntheticFileSystem& file_system, int fd, uint32_t mode, uint64_t inode)
        : DescriptorName(fd),
          Node(file_system, StringView(text, length), vfs::NodeType::Symlink, mode, inode),
          m_fd(fd) {}

    ErrorOr<size_t> read_link(char* buffer, size_t capacity) override {
        return synthetic_file_system().facts().describe_descriptor(m_fd, buffer, capacity);
    }

private:
    int m_fd;
};

// Visits descriptors from the cookie's on, handing each to the directory visitor.
class EntryFeeder final : public DescriptorVisitor {
public:
    EntryFeeder(const DescriptorDirectory& directory, uint64_t& cookie,
                vfs::DirectoryVisitor& visitor)
        : m_directory(directory), m_cookie(cookie), m_visitor(visitor) {}

    bool visit(int fd) override {
        uint64_t position = static_cast<uint64_t>(fd) + 2;
        if (position < m_cookie)
            return true;
        char name[12];
        size_t length = format_within(name, sizeof name, "%d", fd);
        if (!m_visitor.visit({StringView(name, length), m_directory.link_inode(fd),
                              vfs::NodeType::Symlink, position + 1})) {
            m_cookie = position;
            return false;
        }
        m_cookie = position + 1;
        return true;
    }

private:
    const DescriptorDirectory& m_directory;
    uint64_t& m_cookie;
    vfs::DirectoryVisitor& m_visitor;
};

} // namespace

int parse_descriptor_name(StringView name) {
    if (name.is_empty() || name.length > 9 || (name.length > 1 && name[0] == '0'))
        return -1;
    int value = 0;
    for (size_t i = 0; i < name.length; ++i) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        value = value * 10 + (name[i] - '0');
    }
    return value;
}

DescriptorDirectory::DescriptorDirectory(SyntheticFileSystem& file_system)
    : Node(file_system, "fd", vfs::NodeType::Directory, 0500) {}

ErrorOr<RefPtr<vfs::Inode>> DescriptorDirectory::lookup(StringView name) {
    int fd = parse_descriptor_name(name);
    if (fd < 0)
        return ENOENT;
    auto access = synthetic_file_system().facts().descriptor_access(fd);
    if (access.is_error())
        return ENOENT;
    auto link = make_ref<DescriptorLink>(synthetic_file_system(), fd, link_mode(access.value()),
                                         link_inode(fd));
    if (!link)
        return ENOMEM;
    link->set_parent(this);
    return RefPtr<vfs::Inode>(link.get());
}

// Cookies: 0 and 1 for "." and "..", then 2 + the descriptor, so that a descriptor closed
// between two calls does not shift the ones after it.
ErrorOr<void> DescriptorDirectory::read_directory(uint64_t& cookie,
                                                  vfs::DirectoryVisitor& visitor) {
    if (!visit_dot_entries(*this, cookie, visitor))
        return {};
    EntryFeeder feeder(*this, cookie, visitor);
    synthetic_file_system().facts().for_each_descriptor(feeder);
    return {};
}

} // namespace kernel::synthetic
