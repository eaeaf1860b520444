// The container's network namespace (OCI runtime spec, config-linux.md, "Namespaces"): the
// VM's process lives in it, so what the engine set up there (podman's eth0 with its address,
// the port forwarding that leads to it) reaches the guest. The other namespaces have nothing to
// isolate: the program runs in a VM, not among the host's processes and mounts.
#pragma once

#include "oci/oci_config.h"

#include <optional>
#include <string>

namespace ingot {

// setns(2) to the "network" entry's path, or unshare(2) a new one when it has none; nothing
// without a "network" entry (the host's network, as runc). Whether the process is now in the
// container's own namespace. Throws UserError.
bool enter_network_namespace(const OciConfig& config);

// The interface of the current namespace the guest should take over: the first one that is
// up, not loopback, and has an IPv4 address (podman's and CNI's eth0). Nothing when none has.
std::optional<std::string> container_interface();

} // namespace ingot
