// Paths inside a container's root file system, resolved as the container would see them: an
// absolute symlink points into the rootfs, never out of it (as chroot(2) would have it).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ingot {

// `guest_path` (absolute, or relative to `cwd`) with every symlink followed inside `rootfs`:
// the guest path of what it names, or nothing when a component is missing or the links loop.
std::optional<std::string> resolve_in_rootfs(const std::string& rootfs,
                                             const std::string& guest_path,
                                             const std::string& cwd = "/");

// The program process.args[0] names, as execvp(3) finds it: a name without '/' searched in
// the PATH of `environment` (the default PATH when it has none), else a path. The guest path
// of a regular file, or nothing.
std::optional<std::string> find_program_in_rootfs(const std::string& rootfs,
                                                  const std::string& name,
                                                  const std::vector<std::string>& environment,
                                                  const std::string& cwd);

} // namespace ingot
