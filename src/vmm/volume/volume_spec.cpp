#include "vmm/volume/volume_spec.h"

#include "support/error.h"

#include <ingot/abi/volumes.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

namespace ingot {

namespace {

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t colon = text.find(':', start);
        parts.push_back(text.substr(start, colon - start));
        if (colon == std::string::npos)
            return parts;
        start = colon + 1;
    }
}

} // namespace

VolumeSpec parse_volume_option(const std::string& text) {
    std::vector<std::string> parts = split(text);
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
        fail("-v {}: expected HOSTDIR:GUESTDIR or HOSTDIR:GUESTDIR:ro", text);
    VolumeSpec volume;
    if (parts.size() == 3) {
        if (parts[2] != "ro" && parts[2] != "rw")
            fail("-v {}: the mode is ro or rw, not '{}'", text, parts[2]);
        volume.read_only = parts[2] == "ro";
    }
    struct stat status;
    if (::stat(parts[0].c_str(), &status) != 0)
        fail("-v {}: {}: {}", text, parts[0], system_error_text(errno));
    if (!S_ISDIR(status.st_mode))
        fail("-v {}: {} is not a directory", text, parts[0]);
    volume.host = std::filesystem::absolute(parts[0]).lexically_normal().string();
    const std::string& guest = parts[1];
    if (guest.front() != '/')
        fail("-v {}: the guest path {} is relative; give an absolute one", text, guest);
    volume.guest = std::filesystem::path(guest).lexically_normal().string();
    while (volume.guest.size() > 1 && volume.guest.back() == '/')
        volume.guest.pop_back();
    if (volume.guest == "/")
        fail("-v {}: a volume cannot replace the guest's root; mount it on a directory", text);
    if (volume.guest.size() > abi::volume_path_capacity)
        fail("-v {}: the guest path is longer than {} bytes", text, abi::volume_path_capacity);
    if (std::any_of(volume.guest.begin(), volume.guest.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        fail("-v {}: the guest path holds a control character", text);
    return volume;
}

std::vector<VolumeSpec> parse_volume_options(const std::vector<std::string>& texts) {
    if (texts.size() > abi::max_volumes)
        fail("-v: at most {} volumes, not {}", abi::max_volumes, texts.size());
    std::vector<VolumeSpec> volumes;
    std::set<std::string> guests;
    for (const auto& text : texts) {
        volumes.push_back(parse_volume_option(text));
        if (!guests.insert(volumes.back().guest).second)
            fail("-v {}: another volume is mounted on {} already", text, volumes.back().guest);
    }
    return volumes;
}

std::optional<UnprivilegedIdentity> volume_owner(const std::vector<VolumeSpec>& volumes) {
    std::optional<UnprivilegedIdentity> owner;
    for (const auto& volume : volumes) {
        struct stat status;
        if (::stat(volume.host.c_str(), &status) != 0)
            return std::nullopt;
        if (owner && (owner->uid != status.st_uid || owner->gid != status.st_gid))
            return std::nullopt;
        owner = UnprivilegedIdentity{status.st_uid, status.st_gid};
    }
    return owner;
}

} // namespace ingot
