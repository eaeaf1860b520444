#include "image/filesystem_builder.h"

#include "support/error.h"
#include "support/file.h"

#include <ingot/abi/image_filesystem.h>
#include <ingot/abi/memory_layout.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>

namespace ingot {

namespace {

constexpr uint64_t page = abi::page_size;

uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

struct Node {
    uint32_t mode = S_IFDIR | 0755;
    uint32_t uid = 0, gid = 0;
    int64_t mtime_seconds = 0;
    uint32_t mtime_nanoseconds = 0;
    std::string host_path; // a regular file's contents
    std::string target;    // a symbolic link's
    std::pair<dev_t, ino_t> host_id{};
    std::map<std::string, std::shared_ptr<Node>> children; // sorted bytewise, as the kernel's
                                                           // binary search expects

    bool is_directory() const { return S_ISDIR(mode); }
};

void take_attributes(Node& node, const struct stat& status) {
    node.mode = status.st_mode & (S_IFMT | 07777);
    node.uid = status.st_uid;
    node.gid = status.st_gid;
    node.mtime_seconds = status.st_mtim.tv_sec;
    node.mtime_nanoseconds = static_cast<uint32_t>(status.st_mtim.tv_nsec);
    node.host_id = {status.st_dev, status.st_ino};
}

const char* special_kind(mode_t mode) {
    if (S_ISCHR(mode))
        return "character device";
    if (S_ISBLK(mode))
        return "block device";
    if (S_ISSOCK(mode))
        return "socket";
    return "FIFO";
}

std::vector<std::string> components(const std::string& normal_path) {
    std::vector<std::string> parts;
    size_t start = 1;
    while (start < normal_path.size()) {
        size_t end = normal_path.find('/', start);
        if (end == std::string::npos)
            end = normal_path.size();
        parts.push_back(normal_path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool is_elf(const std::vector<uint8_t>& bytes) {
    return bytes.size() >= 4 && std::memcmp(bytes.data(),
                                            "\x7f"
                                            "ELF",
                                            4) == 0;
}

template <typename T> void put(std::vector<uint8_t>& bytes, uint64_t offset, const T& value) {
    std::memcpy(bytes.data() + offset, &value, sizeof value);
}

} // namespace

struct FilesystemBuilder::State {
    std::shared_ptr<Node> root = std::make_shared<Node>();
    // Regular files with more than one link, by host identity: their guest paths share one
    // inode, as `cp -a` and tar keep hard links.
    std::map<std::pair<dev_t, ino_t>, std::shared_ptr<Node>> links;
    bool added = false;

    // The directory that holds `path`'s last component, created as needed.
    Node& parent_of(const std::string& path, std::string& name) {
        auto parts = components(path);
        name = parts.back();
        parts.pop_back();
        Node* directory = root.get();
        std::string walked;
        for (const auto& part : parts) {
            walked += "/" + part;
            auto& child = directory->children[part];
            if (!child)
                child = std::make_shared<Node>();
            else if (!child->is_directory())
                fail("cannot add '{}' to the image: '{}' there is not a directory", path, walked);
            directory = child.get();
        }
        return *directory;
    }

    const Node* find(const std::string& path) const {
        const Node* node = root.get();
        for (const auto& part : components(path)) {
            if (!node->is_directory())
                return nullptr;
            auto found = node->children.find(part);
            if (found == node->children.end())
                return nullptr;
            node = found->second.get();
        }
        return node;
    }
};

std::string normal_guest_path(const std::string& path, const std::string& what) {
    if (path.empty() || path[0] != '/')
        fail("{} '{}' is not an absolute path in the guest", what, path);
    std::vector<std::string> parts;
    for (const auto& part : components(path + "/")) {
        if (part.empty() || part == ".")
            continue;
        if (part == "..") {
            if (!parts.empty())
                parts.pop_back();
            continue;
        }
        if (part.size() > abi::image_fs_name_max)
            fail("{} '{}' has a component longer than {} bytes", what, path,
                 abi::image_fs_name_max);
        parts.push_back(part);
    }
    std::string normal;
    for (const auto& part : parts)
        normal += "/" + part;
    return normal.empty() ? "/" : normal;
}

const FileExtent* FilesystemImage::find(const std::string& path) const {
    // path_resolution(7): each prefix that is a link is replaced by its target (relative to
    // the link's directory unless absolute), 40 links at most, as Linux's ELOOP limit.
    std::string current = normal_guest_path(path, "the path");
    for (int links_followed = 0; links_followed <= 40; ++links_followed) {
        auto parts = components(current);
        std::string prefix;
        bool replaced = false;
        for (size_t i = 0; i < parts.size() && !replaced; ++i) {
            std::string directory = prefix.empty() ? "/" : prefix;
            prefix += "/" + parts[i];
            auto link = this->links.find(prefix);
            if (link == this->links.end())
                continue;
            std::string rest;
            for (size_t j = i + 1; j < parts.size(); ++j)
                rest += "/" + parts[j];
            std::string target =
                link->second[0] == '/' ? link->second : directory + "/" + link->second;
            current = normal_guest_path(target + rest, "the path");
            replaced = true;
        }
        if (!replaced) {
            auto file = files.find(current);
            return file == files.end() ? nullptr : &file->second;
        }
    }
    return nullptr;
}

FilesystemBuilder::FilesystemBuilder() : m_state(std::make_unique<State>()) {}
FilesystemBuilder::~FilesystemBuilder() = default;

bool FilesystemBuilder::empty() const {
    return !m_state->added;
}

void FilesystemBuilder::add_file(const std::string& host_path, const std::string& guest_path) {
    struct stat status;
    if (::lstat(host_path.c_str(), &status) != 0)
        fail("cannot add '{}' to the image: {}", host_path, system_error_text(errno));
    add_node(host_path, normal_guest_path(guest_path, "the guest path"));
    m_state->added = true;
}

void FilesystemBuilder::add_tree(const std::string& host_dir, const std::string& guest_dir) {
    struct stat status;
    if (::stat(host_dir.c_str(), &status) != 0)
        fail("cannot add '{}' to the image: {}", host_dir, system_error_text(errno));
    if (!S_ISDIR(status.st_mode))
        fail("cannot add '{}' to the image as a tree: it is not a directory", host_dir);
    // A symbolic link given by name is the directory it names, as `cp -r link/` copies it.
    add_node(host_dir + "/.", normal_guest_path(guest_dir, "the guest directory"));
    m_state->added = true;
}

PathMapping parse_add_argument(const std::string& argument) {
    // GUEST follows the last ':', as in Docker's -v.
    size_t colon = argument.rfind(':');
    if (colon == std::string::npos)
        return {argument, std::filesystem::absolute(argument).lexically_normal().string()};
    std::string host = argument.substr(0, colon);
    std::string guest = argument.substr(colon + 1);
    if (guest.empty() || host.empty())
        fail("--add '{}': expected HOST[:GUEST]", argument);
    if (guest[0] != '/')
        fail("--add '{}': the guest path '{}' is not absolute", argument, guest);
    return {host, guest};
}

void FilesystemBuilder::add_argument(const std::string& argument) {
    PathMapping mapping = parse_add_argument(argument);
    add_file(mapping.host_path, mapping.guest_path);
}

void FilesystemBuilder::add_symlink(const std::string& guest_path, const std::string& target) {
    std::string path = normal_guest_path(guest_path, "the link");
    std::string name;
    Node& parent = m_state->parent_of(path, name);
    auto& slot = parent.children[name];
    if (slot && !S_ISLNK(slot->mode))
        return;
    slot = std::make_shared<Node>();
    slot->mode = S_IFLNK | 0777;
    slot->target = target;
    m_state->added = true;
}

void FilesystemBuilder::add_node(const std::string& host_path, const std::string& guest_path) {
    struct stat status;
    if (::lstat(host_path.c_str(), &status) != 0)
        fail("cannot add '{}' to the image: {}", host_path, system_error_text(errno));
    if (!S_ISDIR(status.st_mode) && !S_ISREG(status.st_mode) && !S_ISLNK(status.st_mode)) {
        fmt::print(stderr, "ingot: warning: '{}' is a {}: not added to the image\n", host_path,
                   special_kind(status.st_mode));
        return;
    }
    if (guest_path == "/" && !S_ISDIR(status.st_mode))
        fail("cannot add '{}' as the image's root: it is not a directory", host_path);

    std::shared_ptr<Node> node;
    if (guest_path == "/") {
        node = m_state->root;
    } else {
        std::string name;
        Node& parent = m_state->parent_of(guest_path, name);
        auto& slot = parent.children[name];
        // A directory merges into a directory already there; anything else replaces it.
        if (!(S_ISDIR(status.st_mode) && slot && slot->is_directory())) {
            if (S_ISREG(status.st_mode) && status.st_nlink > 1) {
                auto& shared = m_state->links[{status.st_dev, status.st_ino}];
                if (!shared)
                    shared = std::make_shared<Node>();
                slot = shared;
            } else {
                slot = std::make_shared<Node>();
            }
        }
        node = slot;
    }
    take_attributes(*node, status);

    if (S_ISREG(status.st_mode)) {
        node->host_path = host_path;
        return;
    }
    if (S_ISLNK(status.st_mode)) {
        std::vector<char> target(static_cast<size_t>(status.st_size) + 1);
        ssize_t length = ::readlink(host_path.c_str(), target.data(), target.size());
        if (length < 0 || static_cast<size_t>(length) >= target.size())
            fail("cannot read the symbolic link '{}': {}", host_path,
                 length < 0 ? system_error_text(errno) : "it changed while being read");
        node->target.assign(target.data(), static_cast<size_t>(length));
        return;
    }
    DIR* directory = ::opendir(host_path.c_str());
    if (!directory)
        fail("cannot read the directory '{}': {}", host_path, system_error_text(errno));
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(directory)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..")
            names.push_back(name);
    }
    ::closedir(directory);
    std::sort(names.begin(), names.end());
    std::string base = guest_path == "/" ? "" : guest_path;
    for (const auto& name : names)
        add_node(host_path + "/" + name, normal_guest_path(base + "/" + name, "the guest path"));
}

std::optional<std::pair<dev_t, ino_t>>
FilesystemBuilder::host_file(const std::string& guest_path) const {
    const Node* node = m_state->find(normal_guest_path(guest_path, "the guest path"));
    if (!node || !S_ISREG(node->mode))
        return std::nullopt;
    return node->host_id;
}

FilesystemImage FilesystemBuilder::build() const {
    FilesystemImage image;
    if (empty())
        return image;

    // Inodes in breadth-first order from the root; each directory's entries together, sorted.
    struct Placed {
        const Node* node;
        uint32_t parent;
        std::string path;
    };
    std::vector<Placed> inodes{{m_state->root.get(), abi::image_fs_root_inode, "/"}};
    std::map<const Node*, uint32_t> index{{m_state->root.get(), abi::image_fs_root_inode}};
    std::vector<uint32_t> link_counts{2};
    std::vector<abi::ImageFsEntry> entries;
    std::vector<std::pair<uint64_t, uint64_t>> directory_entries(1); // first, count
    std::string names;
    auto add_name = [&](const std::string& name) {
        uint64_t offset = names.size();
        names += name;
        if (names.size() > std::numeric_limits<uint32_t>::max())
            fail("the image's file system has too many names (more than 4 GiB of them)");
        return static_cast<uint32_t>(offset);
    };
    for (size_t i = 0; i < inodes.size(); ++i) {
        const Placed placed = inodes[i];
        if (!placed.node->is_directory())
            continue;
        directory_entries[i] = {entries.size(), placed.node->children.size()};
        for (const auto& [name, child] : placed.node->children) {
            auto [found, added] = index.try_emplace(child.get(), uint32_t(inodes.size()));
            if (added) {
                if (inodes.size() >= std::numeric_limits<uint32_t>::max())
                    fail("the image's file system has too many files");
                std::string path = (placed.path == "/" ? "" : placed.path) + "/" + name;
                inodes.push_back({child.get(), uint32_t(i), path});
                link_counts.push_back(child->is_directory() ? 2 : 0);
                directory_entries.emplace_back();
            }
            if (child->is_directory())
                ++link_counts[i];
            else
                ++link_counts[found->second];
            entries.push_back({add_name(name), uint32_t(name.size()), found->second, 0});
        }
    }

    // Contents: in-place files first, page aligned, then the small ones packed.
    std::vector<std::vector<uint8_t>> contents(inodes.size());
    std::vector<uint64_t> symlink_targets(inodes.size());
    for (size_t i = 0; i < inodes.size(); ++i) {
        const Node& node = *inodes[i].node;
        if (S_ISREG(node.mode))
            contents[i] = read_file(node.host_path, "file");
        else if (S_ISLNK(node.mode))
            symlink_targets[i] = add_name(node.target);
    }

    abi::ImageFsSuperblock superblock{};
    superblock.magic = abi::image_fs_magic;
    superblock.version = abi::image_fs_version;
    superblock.superblock_size = sizeof superblock;
    superblock.inode_count = static_cast<uint32_t>(inodes.size());
    superblock.entry_count = static_cast<uint32_t>(entries.size());
    if (entries.size() > std::numeric_limits<uint32_t>::max())
        fail("the image's file system has too many directory entries");
    superblock.inodes_offset = sizeof superblock;
    superblock.entries_offset =
        superblock.inodes_offset + inodes.size() * sizeof(abi::ImageFsInode);
    superblock.names_offset =
        superblock.entries_offset + entries.size() * sizeof(abi::ImageFsEntry);
    superblock.names_size = names.size();
    superblock.data_offset = align_up(superblock.names_offset + names.size(), page);

    std::vector<uint64_t> data_offsets(inodes.size());
    std::vector<bool> in_place(inodes.size());
    uint64_t end = superblock.data_offset;
    for (size_t i = 0; i < inodes.size(); ++i) {
        in_place[i] =
            S_ISREG(inodes[i].node->mode) && (is_elf(contents[i]) || contents[i].size() >= page);
        if (in_place[i]) {
            data_offsets[i] = end;
            end = align_up(end + contents[i].size(), page);
        }
    }
    for (size_t i = 0; i < inodes.size(); ++i) {
        if (S_ISREG(inodes[i].node->mode) && !in_place[i]) {
            data_offsets[i] = end;
            end = align_up(end + contents[i].size(), 8);
        }
    }
    superblock.total_size = align_up(end, 8);

    image.bytes.assign(superblock.total_size, 0);
    put(image.bytes, 0, superblock);
    for (size_t i = 0; i < inodes.size(); ++i) {
        const Node& node = *inodes[i].node;
        abi::ImageFsInode inode{};
        inode.mode = node.mode;
        inode.uid = node.uid;
        inode.gid = node.gid;
        inode.link_count = link_counts[i];
        inode.mtime_seconds = node.mtime_seconds;
        inode.mtime_nanoseconds = node.mtime_nanoseconds;
        if (node.is_directory()) {
            inode.offset = directory_entries[i].first;
            inode.size = directory_entries[i].second;
            inode.parent = inodes[i].parent;
        } else if (S_ISLNK(node.mode)) {
            inode.offset = symlink_targets[i];
            inode.size = node.target.size();
        } else {
            inode.offset = data_offsets[i];
            inode.size = contents[i].size();
            inode.flags = in_place[i] ? abi::image_fs_in_place : 0;
            if (!contents[i].empty())
                std::memcpy(image.bytes.data() + data_offsets[i], contents[i].data(),
                            contents[i].size());
        }
        put(image.bytes, superblock.inodes_offset + i * sizeof inode, inode);
    }
    for (size_t i = 0; i < entries.size(); ++i)
        put(image.bytes, superblock.entries_offset + i * sizeof(abi::ImageFsEntry), entries[i]);
    std::memcpy(image.bytes.data() + superblock.names_offset, names.data(), names.size());

    // Every path of a regular file, hard links included, for the program's lookup.
    std::deque<std::pair<uint32_t, std::string>> queue{{abi::image_fs_root_inode, ""}};
    while (!queue.empty()) {
        auto [directory, path] = queue.front();
        queue.pop_front();
        auto [first, count] = directory_entries[directory];
        for (uint64_t e = first; e < first + count; ++e) {
            uint32_t child = entries[e].inode;
            std::string child_path =
                path + "/" + names.substr(entries[e].name_offset, entries[e].name_length);
            const Node& node = *inodes[child].node;
            if (node.is_directory())
                queue.emplace_back(child, child_path);
            else if (S_ISREG(node.mode))
                image.files[child_path] = {data_offsets[child], contents[child].size()};
            else
                image.links[child_path] = node.target;
        }
    }
    return image;
}

} // namespace ingot
