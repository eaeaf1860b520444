// `-v HOSTDIR:GUESTDIR[:ro]`, as Docker's: which host directory the guest sees where, and
// whether it may change it. Both platforms take the same list: QEMU serves it over virtio-9p,
// the hvt monitor itself (p9_server.h).
#pragma once

#include "sandbox/privileges.h"

#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct VolumeSpec {
    std::string host;  // an existing directory, made absolute
    std::string guest; // absolute, normalized
    bool read_only = false;
};

// Throws UserError, in one line, for a missing host directory, a relative or unusable
// guest path, or a mode other than ro or rw.
VolumeSpec parse_volume_option(const std::string& text);
// Also refuses more volumes than the guest takes and two on the same guest path.
std::vector<VolumeSpec> parse_volume_options(const std::vector<std::string>& texts);

// The one owner of every volume's directory (root included), whom a monitor started as root
// continues as, so that the guest may change the volumes and what it creates belongs to that
// owner, as in Docker. None when the owners differ.
std::optional<UnprivilegedIdentity> volume_owner(const std::vector<VolumeSpec>& volumes);

} // namespace ingot
