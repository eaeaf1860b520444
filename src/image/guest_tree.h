// The guest's file-system namespace as the host sees it while building an image: the user's
// `--add HOST:GUEST` mappings over a system root (the host's own "/", or `--rootfs DIR`).
// Paths are resolved as the guest's kernel will resolve them, symlinks included, so that what
// the library-closure finder finds on the host is what the guest's dynamic loader will open.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

struct PathMapping {
    std::string host_path;
    std::string guest_path; // absolute
};

struct GuestSymlink {
    std::string guest_path; // where the link is, its parent directories resolved
    std::string target;     // as readlink(2) gives it: absolute targets are guest paths
};

struct GuestEntry {
    std::string guest_path;             // canonical: no symlink, ".", ".." or repeated "/" left
    std::string host_path;              // where its bytes are on the host
    std::vector<GuestSymlink> symlinks; // every link followed on the way, in order
    mode_t mode = 0;
    dev_t device = 0; // the host file's identity, as ld.so tells loaded objects apart
    ino_t inode = 0;
};

class GuestTree {
public:
    // `system_root` is the host directory that is the guest's "/" wherever no mapping applies.
    GuestTree(std::string system_root, std::vector<PathMapping> added);

    // The host path of a canonical guest path: through the mapping with the longest guest
    // prefix, else under the system root.
    std::string host_path(std::string_view guest_path) const;
    // Does a user's mapping cover this canonical guest path (so the image has it already)?
    bool is_added(std::string_view guest_path) const;
    // Follows symlinks (at most 40, as Linux's ELOOP limit) with absolute targets taken as
    // guest paths; a relative `guest_path` counts from "/". Nothing when a component is
    // missing, unreadable, not a directory, or the links loop.
    std::optional<GuestEntry> resolve(std::string_view guest_path) const;
    // resolve(), and only a regular file.
    std::optional<GuestEntry> find_file(std::string_view guest_path) const;
    // The names in a guest directory (not "." and ".."), sorted; empty when it is none.
    std::vector<std::string> list_directory(std::string_view guest_path) const;

private:
    const PathMapping* mapping_for(std::string_view guest_path) const;
    // Is `guest_path` a directory above a mapping (/opt for --add x:/opt/plugin/x.so)? The image
    // builder makes those directories, wherever the host has nothing there.
    bool leads_to_mapping(std::string_view guest_path) const;

    std::string m_system_root;
    std::vector<PathMapping> m_added;
};

// "/a/b/c" -> "/a/b"; "/a" -> "/".
std::string parent_directory(std::string_view path);

} // namespace ingot
