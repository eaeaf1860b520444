// Builds the image's read-only file system (include/ingot/abi/image_filesystem.h) from host
// files: `ingot build --add HOST[:GUEST]`, `--rootfs DIR`, and the library closure.
//
// Later additions win: a file added at a path already taken replaces what was there, a
// directory added over a directory merges into it. Parents are created as needed (mode 0755,
// root's). The output depends only on the files' contents and attributes, never on the order
// the host lists a directory in.
#pragma once

#include "image/guest_tree.h"

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ingot {

// A file's data inside the file-system section.
struct FileExtent {
    uint64_t offset = 0;
    uint64_t size = 0;
};

struct FilesystemImage {
    std::vector<uint8_t> bytes;               // the section, empty when nothing was added
    std::map<std::string, FileExtent> files;  // every regular file's data, by guest path
    std::map<std::string, std::string> links; // every symbolic link's target, by guest path

    // The regular file at the absolute `path`, following symbolic links in the image as the
    // guest would (a Debian tree's /bin is a link to usr/bin); null when there is none.
    const FileExtent* find(const std::string& path) const;
};

class FilesystemBuilder {
public:
    FilesystemBuilder();
    ~FilesystemBuilder();
    FilesystemBuilder(const FilesystemBuilder&) = delete;
    FilesystemBuilder& operator=(const FilesystemBuilder&) = delete;

    // A regular file or a symbolic link (kept as a link, its target unchanged) at the absolute
    // `guest_path`; a directory given here is added as add_tree does. Device nodes, sockets
    // and FIFOs are skipped with a warning on stderr. Throws UserError for a missing host
    // path or a relative guest path.
    void add_file(const std::string& host_path, const std::string& guest_path);
    // The directory `host_dir` and everything under it (symbolic links not followed) at the
    // absolute `guest_dir`.
    void add_tree(const std::string& host_dir, const std::string& guest_dir);
    // A symbolic link at `guest_path` to `target` (as readlink(2) gives it), unless something
    // other than a link is there already: what the user added wins.
    void add_symlink(const std::string& guest_path, const std::string& target);
    // What `--add HOST[:GUEST]` names: GUEST defaults to HOST's absolute path.
    void add_argument(const std::string& argument);

    bool empty() const;
    // The host file (device and inode) a guest path holds, when it is a regular file.
    std::optional<std::pair<dev_t, ino_t>> host_file(const std::string& guest_path) const;

    FilesystemImage build() const;

private:
    struct State;
    void add_node(const std::string& host_path, const std::string& guest_path);

    std::unique_ptr<State> m_state;
};

// `--add HOST[:GUEST]` as a mapping: GUEST (after the last ':') defaults to HOST's absolute
// path; throws UserError for an empty side or a relative GUEST.
PathMapping parse_add_argument(const std::string& argument);

// "/a/b/../c/" as "/a/c": the path the guest will name; throws UserError unless absolute.
std::string normal_guest_path(const std::string& path, const std::string& what);

} // namespace ingot
