#include "qemu/qemu_binary.h"

#include "support/error.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace ingot {

namespace {

constexpr const char* qemu_name = "qemu-system-x86_64";
constexpr const char* install_hint = "install it with 'apt-get install qemu-system-x86'";

bool is_executable(const std::string& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

} // namespace

std::string find_qemu(const std::string& option_path) {
    const char* environment_path = std::getenv("INGOT_QEMU");
    if (!option_path.empty() || (environment_path && *environment_path)) {
        std::string path = !option_path.empty() ? option_path : environment_path;
        if (!is_executable(path))
            fail("{} not found at '{}' (from {}): {}", qemu_name, path,
                 !option_path.empty() ? "--qemu" : "INGOT_QEMU", install_hint);
        return path;
    }
    const char* search_path = std::getenv("PATH");
    std::string_view directories = search_path ? search_path : "/usr/bin:/bin";
    while (!directories.empty()) {
        size_t end = directories.find(':');
        std::string_view directory = directories.substr(0, end);
        directories = end == std::string_view::npos ? "" : directories.substr(end + 1);
        std::string candidate = std::string(directory.empty() ? "." : directory) + "/" + qemu_name;
        if (is_executable(candidate))
            return candidate;
    }
    fail("{} not found: {}", qemu_name, install_hint);
}

} // namespace ingot
