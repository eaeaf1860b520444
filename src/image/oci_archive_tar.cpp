#include "image/oci_archive_tar.h"

#include "support/error.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <stdexcept>

namespace ingot::oci {

namespace {

struct ReaderDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct WriterDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using Reader = std::unique_ptr<archive, ReaderDeleter>;
using Writer = std::unique_ptr<archive, WriterDeleter>;

// Writing into memory fails only on allocation: not the user's input.
void check_write(archive* a, int status) {
    if (status < ARCHIVE_WARN)
        throw std::runtime_error(std::string("libarchive: ") + archive_error_string(a));
}

la_ssize_t append_to_vector(archive*, void* data, const void* buffer, size_t length) {
    auto* out = static_cast<std::vector<uint8_t>*>(data);
    auto* bytes = static_cast<const uint8_t*>(buffer);
    out->insert(out->end(), bytes, bytes + length);
    return static_cast<la_ssize_t>(length);
}

Reader open_reader(bool raw) {
    Reader reader(archive_read_new());
    archive_read_support_filter_all(reader.get());
    if (raw)
        archive_read_support_format_raw(reader.get());
    else
        archive_read_support_format_tar(reader.get());
    return reader;
}

std::string error_text(archive* a) {
    const char* text = archive_error_string(a);
    return text ? text : "unreadable";
}

// "./a/b", "/a/b" and "a/b" are one path; "" is the root. Nothing for a ".." component.
std::optional<std::string> normalize(std::string_view path) {
    std::string result;
    while (!path.empty()) {
        size_t slash = path.find('/');
        std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
        if (part.empty() || part == ".")
            continue;
        if (part == "..")
            return std::nullopt;
        if (!result.empty())
            result += '/';
        result += part;
    }
    return result;
}

TarEntryKind kind_of(archive_entry* entry) {
    if (archive_entry_hardlink(entry) || archive_entry_filetype(entry) == AE_IFLNK)
        return TarEntryKind::Link;
    switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
        return TarEntryKind::Regular;
    case AE_IFDIR:
        return TarEntryKind::Directory;
    default:
        return TarEntryKind::Other;
    }
}

// The data of the current entry, refused once past `limit` whatever its header claims.
std::vector<uint8_t> read_data(archive* a, uint64_t limit, const std::string& what,
                               const std::string& path) {
    std::vector<uint8_t> data;
    uint8_t chunk[65536];
    for (;;) {
        la_ssize_t count = archive_read_data(a, chunk, sizeof chunk);
        if (count < 0)
            fail("{}: {}: {}", what, path, error_text(a));
        if (count == 0)
            return data;
        if (data.size() + static_cast<uint64_t>(count) > limit)
            fail("{}: {} is larger than the {} bytes accepted", what, path, limit);
        data.insert(data.end(), chunk, chunk + count);
    }
}

} // namespace

std::vector<uint8_t> write_tar(const std::vector<TarFile>& files, int64_t mtime) {
    std::vector<uint8_t> out;
    Writer writer(archive_write_new());
    archive* a = writer.get();
    // POSIX ustar headers, with pax extensions only where ustar cannot hold a value.
    check_write(a, archive_write_set_format_pax_restricted(a));
    check_write(a, archive_write_open(a, &out, nullptr, append_to_vector, nullptr));
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    for (const TarFile& file : files) {
        archive_entry_clear(entry.get());
        archive_entry_set_pathname(entry.get(), file.path.c_str());
        bool directory = file.path.ends_with('/');
        archive_entry_set_filetype(entry.get(), directory ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(entry.get(), directory || file.executable ? 0755 : 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.bytes.size()));
        archive_entry_set_mtime(entry.get(), mtime, 0);
        archive_entry_set_uid(entry.get(), 0);
        archive_entry_set_gid(entry.get(), 0);
        check_write(a, archive_write_header(a, entry.get()));
        if (!file.bytes.empty() && archive_write_data(a, file.bytes.data(), file.bytes.size()) !=
                                       static_cast<la_ssize_t>(file.bytes.size()))
            check_write(a, ARCHIVE_FATAL);
    }
    check_write(a, archive_write_close(a));
    return out;
}

std::vector<uint8_t> gzip(std::span<const uint8_t> bytes) {
    std::vector<uint8_t> out;
    Writer writer(archive_write_new());
    archive* a = writer.get();
    // The raw format passes one entry's data through the filters unchanged.
    check_write(a, archive_write_set_format_raw(a));
    check_write(a, archive_write_add_filter_gzip(a));
    check_write(a, archive_write_set_filter_option(a, "gzip", "timestamp", nullptr));
    check_write(a, archive_write_set_bytes_in_last_block(a, 1));
    check_write(a, archive_write_open(a, &out, nullptr, append_to_vector, nullptr));
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    check_write(a, archive_write_header(a, entry.get()));
    if (!bytes.empty() &&
        archive_write_data(a, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
        check_write(a, ARCHIVE_FATAL);
    check_write(a, archive_write_close(a));
    return out;
}

std::vector<uint8_t> decompress(std::span<const uint8_t> bytes, uint64_t limit,
                                const std::string& what) {
    Reader reader = open_reader(true);
    archive* a = reader.get();
    archive_entry* entry = nullptr;
    if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK ||
        archive_read_next_header(a, &entry) != ARCHIVE_OK)
        fail("{}: {}", what, error_text(a));
    return read_data(a, limit, what, "the uncompressed layer");
}

std::map<std::string, std::vector<uint8_t>>
read_tar(std::span<const uint8_t> bytes, const TarLimits& limits, const std::string& what,
         const std::optional<std::string>& only, TarEntryKind* only_kind) {
    std::map<std::string, std::vector<uint8_t>> files;
    Reader reader = open_reader(false);
    archive* a = reader.get();
    if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK)
        fail("{}: not a tar file: {}", what, error_text(a));
    uint64_t total = 0;
    for (size_t count = 0;; ++count) {
        archive_entry* entry = nullptr;
        int status = archive_read_next_header(a, &entry);
        if (status == ARCHIVE_EOF)
            return files;
        if (status < ARCHIVE_WARN)
            fail("{}: not a tar file: {}", what, error_text(a));
        if (count == limits.entry_count)
            fail("{}: more than {} entries", what, limits.entry_count);
        const char* name = archive_entry_pathname(entry);
        std::string raw = name ? name : "";
        auto path = normalize(raw);
        if (!path)
            fail("{}: the entry '{}' leaves the archive's directory", what, raw);
        if (only && *path != *only)
            continue;
        TarEntryKind kind = kind_of(entry);
        if (only_kind)
            *only_kind = kind;
        if (kind != TarEntryKind::Regular) {
            files.erase(*path); // a later entry replaces an earlier one, as extraction would
            continue;
        }
        if (archive_entry_size(entry) < 0 ||
            static_cast<uint64_t>(archive_entry_size(entry)) > limits.file_size)
            fail("{}: {} is larger than the {} bytes accepted", what, *path, limits.file_size);
        total += static_cast<uint64_t>(archive_entry_size(entry));
        if (total > limits.total_size)
            fail("{}: its files hold more than the {} bytes accepted", what, limits.total_size);
        files[*path] = read_data(a, limits.file_size, what, *path);
    }
}

} // namespace ingot::oci
