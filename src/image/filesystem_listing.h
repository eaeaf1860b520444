// The host's reading of an image's file system (include/ingot/abi/image_filesystem.h): every
// path with its attributes, for `ingot inspect --files`, and the check `ingot run` makes
// before it boots an image.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct FilesystemEntry {
    std::string path;
    uint32_t inode = 0;
    uint32_t mode = 0;
    uint32_t uid = 0, gid = 0;
    uint32_t link_count = 0;
    uint64_t size = 0;
    int64_t mtime_seconds = 0;
    uint64_t data_offset = 0; // regular files: in the section
    bool in_place = false;
    std::string target; // symbolic links
};

// Sorted by path, the root ("/") first. Throws UserError naming what is corrupted.
std::vector<FilesystemEntry> list_filesystem(std::span<const uint8_t> section,
                                             const std::string& name);

// `ls -l`-like lines: mode, links, uid/gid, size, date, path (-> target).
std::string format_filesystem_listing(const std::vector<FilesystemEntry>& entries);

} // namespace ingot
