#include "image/guest_tree.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

namespace ingot {
namespace {

// Linux's limit on symlinks followed in one path walk (MAXSYMLINKS, path_resolution(7)).
constexpr int symlink_limit = 40;

// The components of a path, in order, without empty ones and ".".
std::vector<std::string> components(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        std::string_view part = path.substr(start, end - start);
        if (!part.empty() && part != ".")
            parts.emplace_back(part);
        start = end + 1;
    }
    return parts;
}

bool covers(std::string_view prefix, std::string_view path) {
    if (prefix == "/")
        return true;
    return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string trim_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    return path;
}

} // namespace

std::string parent_directory(std::string_view path) {
    size_t slash = path.rfind('/');
    if (slash == std::string_view::npos || slash == 0)
        return "/";
    return std::string(path.substr(0, slash));
}

GuestTree::GuestTree(std::string system_root, std::vector<PathMapping> added)
    : m_system_root(trim_trailing_slashes(std::move(system_root))), m_added(std::move(added)) {
    for (PathMapping& mapping : m_added)
        mapping.guest_path = trim_trailing_slashes(std::move(mapping.guest_path));
}

const PathMapping* GuestTree::mapping_for(std::string_view guest_path) const {
    const PathMapping* best = nullptr;
    for (const PathMapping& mapping : m_added) {
        if (covers(mapping.guest_path, guest_path) &&
            (!best || mapping.guest_path.size() > best->guest_path.size()))
            best = &mapping;
    }
    return best;
}

std::string GuestTree::host_path(std::string_view guest_path) const {
    if (const PathMapping* mapping = mapping_for(guest_path)) {
        std::string_view rest =
            mapping->guest_path == "/" ? guest_path : guest_path.substr(mapping->guest_path.size());
        if (rest.empty())
            return mapping->host_path;
        return trim_trailing_slashes(mapping->host_path) + std::string(rest);
    }
    if (m_system_root == "/")
        return std::string(guest_path);
    return m_system_root + std::string(guest_path);
}

bool GuestTree::is_added(std::string_view guest_path) const {
    return mapping_for(guest_path) != nullptr;
}

bool GuestTree::leads_to_mapping(std::string_view guest_path) const {
    std::string prefix = std::string(guest_path) + "/";
    for (const PathMapping& mapping : m_added) {
        if (mapping.guest_path.starts_with(prefix))
            return true;
    }
    return false;
}

std::optional<GuestEntry> GuestTree::resolve(std::string_view guest_path) const {
    GuestEntry entry;
    // What is left to walk, last component first.
    std::vector<std::string> pending = components(guest_path);
    std::reverse(pending.begin(), pending.end());
    std::string current; // "" stands for "/"
    int links = 0;
    struct stat status;
    if (lstat(host_path("/").c_str(), &status) != 0)
        return std::nullopt;
    while (!pending.empty()) {
        std::string part = std::move(pending.back());
        pending.pop_back();
        if (part == "..") {
            current = current.empty() ? "" : parent_directory(current);
            if (current == "/")
                current.clear();
            continue;
        }
        std::string candidate = current + "/" + part;
        if (!pending.empty() && !is_added(candidate) && leads_to_mapping(candidate)) {
            current = std::move(candidate);
            continue;
        }
        if (lstat(host_path(candidate).c_str(), &status) != 0)
            return std::nullopt;
        if (S_ISLNK(status.st_mode)) {
            if (++links > symlink_limit)
                return std::nullopt;
            char target[PATH_MAX];
            ssize_t length = readlink(host_path(candidate).c_str(), target, sizeof target);
            if (length <= 0 || static_cast<size_t>(length) >= sizeof target)
                return std::nullopt;
            std::string text(target, static_cast<size_t>(length));
            entry.symlinks.push_back({candidate, text});
            if (text[0] == '/')
                current.clear();
            std::vector<std::string> more = components(text);
            pending.insert(pending.end(), more.rbegin(), more.rend());
            continue;
        }
        if (!pending.empty() && !S_ISDIR(status.st_mode))
            return std::nullopt;
        current = std::move(candidate);
    }
    entry.guest_path = current.empty() ? "/" : current;
    entry.host_path = host_path(entry.guest_path);
    entry.mode = status.st_mode;
    entry.device = status.st_dev;
    entry.inode = status.st_ino;
    return entry;
}

std::optional<GuestEntry> GuestTree::find_file(std::string_view guest_path) const {
    std::optional<GuestEntry> entry = resolve(guest_path);
    if (!entry || !S_ISREG(entry->mode))
        return std::nullopt;
    return entry;
}

std::vector<std::string> GuestTree::list_directory(std::string_view guest_path) const {
    std::vector<std::string> names;
    std::optional<GuestEntry> entry = resolve(guest_path);
    if (!entry || !S_ISDIR(entry->mode))
        return names;
    std::unique_ptr<DIR, int (*)(DIR*)> directory(opendir(entry->host_path.c_str()), closedir);
    if (!directory)
        return names;
    while (const dirent* item = readdir(directory.get())) {
        std::string_view name = item->d_name;
        if (name != "." && name != "..")
            names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace ingot
