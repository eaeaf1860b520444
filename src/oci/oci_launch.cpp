#include "oci/oci_launch.h"

#include "image/image.h"
#include "oci/rootfs_path.h"
#include "support/error.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <ingot/abi/memory_layout.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ingot {

namespace {

// What container engines mount in every container for the processes of a Linux system:
// the guest kernel has its own /proc, /dev and /sys, and no cgroups or System V IPC to share.
constexpr std::array engine_destinations = {
    "/proc",    "/dev",        "/sys",           "/dev/pts",
    "/dev/shm", "/dev/mqueue", "/sys/fs/cgroup", "/run/.containerenv"};

std::string rootfs_directory(const OciConfig& config, const std::string& bundle) {
    std::string rootfs =
        config.root_path.starts_with("/") ? config.root_path : bundle + "/" + config.root_path;
    struct stat status;
    if (::stat(rootfs.c_str(), &status) != 0)
        fail("the bundle's root file system '{}': {}", rootfs, system_error_text(errno));
    if (!S_ISDIR(status.st_mode))
        fail("the bundle's root file system '{}' is not a directory", rootfs);
    return rootfs;
}

std::string read_head(const std::string& path, size_t size) {
    std::ifstream file(path, std::ios::binary);
    std::string head(size, '\0');
    file.read(head.data(), static_cast<std::streamsize>(size));
    head.resize(static_cast<size_t>(file.gcount()));
    return head;
}

bool is_image(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                               std::istreambuf_iterator<char>());
    return looks_like_image(bytes);
}

// An entrypoint script is the common case a unikernel cannot run: its interpreter is a
// process that forks and execs others.
[[noreturn]] void refuse_script(const std::string& program, const std::string& head) {
    std::string interpreter = head.substr(2, head.find('\n') - 2);
    interpreter.erase(0, interpreter.find_first_not_of(" \t"));
    fail("the entrypoint '{}' is a script for '{}': it needs /bin/sh and fork/exec, which a "
         "unikernel does not have; make the image's entrypoint the program itself",
         program, interpreter);
}

void map_mounts(const OciConfig& config, LaunchSettings& settings) {
    for (const OciMount& mount : config.mounts) {
        bool engine =
            std::ranges::find(engine_destinations, mount.destination) != engine_destinations.end();
        // proc, sysfs, tmpfs, devpts, mqueue, cgroup: the guest kernel provides its own.
        if (engine || !mount.is_bind())
            continue;
        struct stat status;
        if (::stat(mount.source.c_str(), &status) != 0)
            fail("the mount of '{}' at '{}': {}", mount.source, mount.destination,
                 system_error_text(errno));
        if (S_ISDIR(status.st_mode)) {
            settings.volumes.push_back(mount.source + ":" + mount.destination +
                                       (mount.read_only() ? ":ro" : ""));
            continue;
        }
        // A single file cannot be a volume (a 9P share is a directory). The engine's own files
        // say who the guest is; /etc/hosts and the like stay the image's.
        if (mount.destination == "/etc/resolv.conf") {
            std::ifstream file(mount.source);
            std::stringstream text;
            text << file.rdbuf();
            if (auto server = first_ipv4_nameserver(text.str()); !server.empty())
                settings.identity.dns = {server};
        } else if (mount.destination == "/etc/hostname" && settings.identity.hostname.empty()) {
            std::string name;
            std::ifstream(mount.source) >> name;
            settings.identity.hostname = name;
        }
    }
}

} // namespace

std::string first_ipv4_nameserver(const std::string& resolv_conf) {
    std::stringstream lines(resolv_conf);
    std::string line;
    while (std::getline(lines, line)) {
        std::stringstream words(line);
        std::string keyword, address;
        in_addr parsed;
        if (words >> keyword >> address && keyword == "nameserver" &&
            ::inet_pton(AF_INET, address.c_str(), &parsed) == 1)
            return address;
    }
    return "";
}

LaunchSettings oci_launch_settings(const OciConfig& config, const std::string& bundle,
                                   const std::string& platform) {
    if (config.has_hooks)
        fail("the bundle's config has hooks: ingot-oci runs no hooks (a unikernel has no "
             "container process for them to act on)");
    // The kernel starts the program in /, and ingot cannot tell it another directory.
    if (std::filesystem::path(config.cwd).lexically_normal() != "/")
        fail("process.cwd is '{}': an Ingot guest starts its program in '/', and ingot-oci "
             "cannot start it elsewhere",
             config.cwd);
    std::string rootfs = rootfs_directory(config, bundle);
    LaunchSettings settings;
    settings.platform = platform;
    // The engine escalates to SIGKILL after its own stop timeout: the VM waits for it.
    settings.stop_timeout = -1;
    auto program = find_program_in_rootfs(rootfs, config.args.front(), config.env, "/");
    if (!program)
        fail("the entrypoint '{}' is not a file in the bundle's root file system '{}'",
             config.args.front(), rootfs);
    std::string host_path = rootfs + *program;
    std::string head = read_head(host_path, 4);
    settings.options.arguments.assign(config.args.begin() + 1, config.args.end());
    settings.options.environment = config.env;
    if (head.starts_with("#!"))
        refuse_script(config.args.front(), read_head(host_path, 256));
    if (head == "\x7f"
                "ELF") {
        // A program: packed with the rootfs as its file system, as `ingot run PROG --rootfs`.
        settings.target = *program;
        settings.files.rootfs = rootfs;
    } else if (is_image(host_path)) {
        settings.target = host_path;
    } else {
        fail("the entrypoint '{}' is neither an ELF program nor an Ingot image",
             config.args.front());
    }
    // A limit the guest could not have (above the largest guest memory, or none at all,
    // which runc writes as -1 or omits) leaves ingot's default.
    if (config.memory_limit && *config.memory_limit > 0 &&
        static_cast<uint64_t>(*config.memory_limit) <= abi::maximum_memory)
        settings.options.memory = std::to_string(*config.memory_limit >> 20) + "M";
    settings.identity.hostname = config.hostname;
    map_mounts(config, settings);
    return settings;
}

} // namespace ingot
