// The tar files of an OCI image archive, through libarchive: the archive itself (an image
// layout in a tar, as skopeo's oci-archive transport reads it) and its layer. Reading happens
// in memory only, with bounds: a hostile archive can neither write on the host nor exhaust it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ingot::oci {

struct TarFile {
    std::string path; // relative, '/'-separated; directories end with '/'
    std::vector<uint8_t> bytes;
    bool executable = false; // mode 0755, else 0644 (directories are always 0755)
};

// A tar of `files` in the given order, every entry root's and modified at `mtime`: the same
// input gives the same bytes.
std::vector<uint8_t> write_tar(const std::vector<TarFile>& files, int64_t mtime);

// `bytes` gzip-compressed, without the header's timestamp (RFC 1952: MTIME 0), so that the same
// bytes give the same stream.
std::vector<uint8_t> gzip(std::span<const uint8_t> bytes);

// The stream a layer's compression (gzip, zstd, or none) leaves, at most `limit` bytes.
// Throws UserError naming `what` when it is not one libarchive reads or grows past `limit`.
std::vector<uint8_t> decompress(std::span<const uint8_t> bytes, uint64_t limit,
                                const std::string& what);

enum class TarEntryKind { Regular, Directory, Link, Other };

struct TarLimits {
    uint64_t file_size;  // the largest regular file kept
    uint64_t total_size; // all kept files together
    size_t entry_count;  // entries of any kind
};

// The regular files of a tar by normalized path ("./a", "/a" and "a" are "a"); only `only`
// when given, whose kind is then reported in `only_kind`. Refuses a path with a ".."
// component, a file past the limits and a malformed tar with one UserError line naming `what`.
std::map<std::string, std::vector<uint8_t>>
read_tar(std::span<const uint8_t> bytes, const TarLimits& limits, const std::string& what,
         const std::optional<std::string>& only = {}, TarEntryKind* only_kind = nullptr);

} // namespace ingot::oci
