#include "image/filesystem_listing.h"

#include "support/error.h"

#include <ingot/abi/image_filesystem.h>
#include <ingot/abi/memory_layout.h>

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <deque>

namespace ingot {

namespace {

template <typename T> T read_at(std::span<const uint8_t> bytes, uint64_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

bool fits(uint64_t offset, uint64_t length, uint64_t limit) {
    return offset <= limit && length <= limit - offset;
}

char type_letter(uint32_t mode) {
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return 'd';
    case S_IFLNK:
        return 'l';
    default:
        return '-';
    }
}

// As ls(1) shows permissions, with the set-id and sticky bits in the execute columns.
std::string mode_text(uint32_t mode) {
    std::string text(1, type_letter(mode));
    const char* letters = "rwxrwxrwx";
    for (int bit = 0; bit < 9; ++bit)
        text += (mode & (0400u >> bit)) ? letters[bit] : '-';
    auto special = [&](size_t column, uint32_t flag, char with_x, char without_x) {
        if (mode & flag)
            text[column] = text[column] == 'x' ? with_x : without_x;
    };
    special(3, S_ISUID, 's', 'S');
    special(6, S_ISGID, 's', 'S');
    special(9, S_ISVTX, 't', 'T');
    return text;
}

} // namespace

std::vector<FilesystemEntry> list_filesystem(std::span<const uint8_t> section,
                                             const std::string& name) {
    auto corrupt = [&](const char* what) {
        fail("'{}' is corrupted: its file system's {}", name, what);
    };
    if (section.size() < sizeof(abi::ImageFsSuperblock))
        corrupt("superblock is truncated");
    auto superblock = read_at<abi::ImageFsSuperblock>(section, 0);
    if (superblock.magic != abi::image_fs_magic)
        corrupt("superblock does not start with INGOFS1");
    if (superblock.version != abi::image_fs_version ||
        superblock.superblock_size != sizeof superblock)
        corrupt("version is not this Ingot's");
    uint64_t size = section.size();
    if (superblock.total_size != size || superblock.inode_count == 0 ||
        !fits(superblock.inodes_offset,
              uint64_t(superblock.inode_count) * sizeof(abi::ImageFsInode), size) ||
        !fits(superblock.entries_offset,
              uint64_t(superblock.entry_count) * sizeof(abi::ImageFsEntry), size) ||
        !fits(superblock.names_offset, superblock.names_size, size))
        corrupt("layout is inconsistent");
    auto inode_at = [&](uint32_t index) {
        if (index >= superblock.inode_count)
            corrupt("directory names an inode that does not exist");
        return read_at<abi::ImageFsInode>(section, superblock.inodes_offset +
                                                       uint64_t(index) * sizeof(abi::ImageFsInode));
    };
    auto name_at = [&](uint64_t offset, uint64_t length) {
        if (!fits(offset, length, superblock.names_size))
            corrupt("names lie outside their table");
        return std::string(reinterpret_cast<const char*>(section.data()) + superblock.names_offset +
                               offset,
                           length);
    };
    auto entry_of = [&](uint32_t index, std::string path) {
        auto inode = inode_at(index);
        FilesystemEntry entry;
        entry.path = std::move(path);
        entry.inode = index;
        entry.mode = inode.mode;
        entry.uid = inode.uid;
        entry.gid = inode.gid;
        entry.link_count = inode.link_count;
        entry.size = inode.size;
        entry.mtime_seconds = inode.mtime_seconds;
        switch (inode.mode & S_IFMT) {
        case S_IFREG:
            if (!fits(inode.offset, inode.size, size))
                corrupt("file data lies outside the section");
            entry.data_offset = inode.offset;
            entry.in_place = inode.flags & abi::image_fs_in_place;
            if (entry.in_place && inode.offset % abi::page_size != 0)
                corrupt("in-place file is not page aligned");
            break;
        case S_IFLNK:
            entry.target = name_at(inode.offset, inode.size);
            break;
        case S_IFDIR:
            if (!fits(inode.offset, inode.size, superblock.entry_count))
                corrupt("directory's entries lie outside their table");
            entry.size = abi::page_size; // as stat shows it in the guest
            break;
        default:
            corrupt("inode has an unknown type");
        }
        return entry;
    };

    std::vector<FilesystemEntry> entries{entry_of(abi::image_fs_root_inode, "/")};
    if ((entries[0].mode & S_IFMT) != S_IFDIR)
        corrupt("root is not a directory");
    std::vector<bool> visited(superblock.inode_count);
    std::deque<std::pair<uint32_t, std::string>> directories{{abi::image_fs_root_inode, ""}};
    while (!directories.empty()) {
        auto [index, path] = directories.front();
        directories.pop_front();
        if (visited[index])
            corrupt("directories form a cycle");
        visited[index] = true;
        auto directory = inode_at(index);
        for (uint64_t i = 0; i < directory.size; ++i) {
            auto raw = read_at<abi::ImageFsEntry>(
                section,
                superblock.entries_offset + (directory.offset + i) * sizeof(abi::ImageFsEntry));
            std::string child = name_at(raw.name_offset, raw.name_length);
            if (child.empty() || child.size() > abi::image_fs_name_max || child == "." ||
                child == ".." || child.find('/') != std::string::npos ||
                child.find('\0') != std::string::npos)
                corrupt("directory holds an invalid name");
            entries.push_back(entry_of(raw.inode, path + "/" + child));
            if ((entries.back().mode & S_IFMT) == S_IFDIR)
                directories.emplace_back(raw.inode, entries.back().path);
        }
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return entries;
}

std::string format_filesystem_listing(const std::vector<FilesystemEntry>& entries) {
    std::string text;
    for (const auto& entry : entries) {
        std::time_t time = static_cast<std::time_t>(entry.mtime_seconds);
        std::tm utc{};
        char date[32] = "?";
        if (gmtime_r(&time, &utc))
            std::strftime(date, sizeof date, "%Y-%m-%d %H:%M", &utc);
        text += fmt::format("{} {:>3} {:>5} {:>5} {:>10} {} {}", mode_text(entry.mode),
                            entry.link_count, entry.uid, entry.gid, entry.size, date, entry.path);
        if (!entry.target.empty())
            text += " -> " + entry.target;
        text += '\n';
    }
    return text;
}

} // namespace ingot
