#include "oci/rootfs_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <sstream>

namespace ingot {

namespace {

// SYMLOOP_MAX as Linux counts it for a whole lookup (path_resolution(7)).
constexpr int max_links = 40;

// What a container gets when its config sets no PATH: runc's and Docker's default.
constexpr const char* default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::deque<std::string> components(const std::string& path) {
    std::deque<std::string> parts;
    std::stringstream stream(path);
    std::string part;
    while (std::getline(stream, part, '/'))
        if (!part.empty() && part != ".")
            parts.push_back(part);
    return parts;
}

std::string join(const std::vector<std::string>& parts) {
    std::string path;
    for (const auto& part : parts)
        path += "/" + part;
    return path.empty() ? "/" : path;
}

} // namespace

std::optional<std::string> resolve_in_rootfs(const std::string& rootfs,
                                             const std::string& guest_path,
                                             const std::string& cwd) {
    std::string start = guest_path.starts_with("/") ? guest_path : cwd + "/" + guest_path;
    std::deque<std::string> pending = components(start);
    std::vector<std::string> resolved;
    int links = 0;
    while (!pending.empty()) {
        std::string part = pending.front();
        pending.pop_front();
        if (part == "..") {
            if (!resolved.empty())
                resolved.pop_back();
            continue;
        }
        resolved.push_back(part);
        std::string host = rootfs + join(resolved);
        struct stat status;
        if (::lstat(host.c_str(), &status) != 0)
            return std::nullopt;
        if (!S_ISLNK(status.st_mode))
            continue;
        if (++links > max_links)
            return std::nullopt;
        std::string target(static_cast<size_t>(status.st_size) + 1, '\0');
        ssize_t length = ::readlink(host.c_str(), target.data(), target.size());
        if (length < 0)
            return std::nullopt;
        target.resize(static_cast<size_t>(length));
        resolved.pop_back();
        if (target.starts_with("/"))
            resolved.clear();
        std::deque<std::string> rest = components(target);
        pending.insert(pending.begin(), rest.begin(), rest.end());
    }
    return join(resolved);
}

std::optional<std::string> find_program_in_rootfs(const std::string& rootfs,
                                                  const std::string& name,
                                                  const std::vector<std::string>& environment,
                                                  const std::string& cwd) {
    auto regular_file = [&](const std::string& guest) -> std::optional<std::string> {
        auto resolved = resolve_in_rootfs(rootfs, guest, cwd);
        struct stat status;
        if (resolved && ::stat((rootfs + *resolved).c_str(), &status) == 0 &&
            S_ISREG(status.st_mode))
            return resolved;
        return std::nullopt;
    };
    if (name.find('/') != std::string::npos)
        return regular_file(name);
    std::string search = default_path;
    for (const auto& variable : environment)
        if (variable.starts_with("PATH="))
            search = variable.substr(5);
    std::stringstream directories(search);
    std::string directory;
    while (std::getline(directories, directory, ':')) {
        // An empty PATH entry means the current directory (execvp(3)).
        if (auto found = regular_file((directory.empty() ? cwd : directory) + "/" + name))
            return found;
    }
    return std::nullopt;
}

} // namespace ingot
