// A bundle's config (oci_config.h) as the settings of `ingot run` (launch_settings.h): the
// rootfs becomes the image's file system, process.args/env the program's argv and
// environment, the memory limit --mem, directory bind mounts volumes, the hostname and DNS
// the guest's identity. What a unikernel cannot honour is refused, one line naming why.
#pragma once

#include "launch/launch_settings.h"
#include "oci/oci_config.h"

#include <string>

namespace ingot {

// `bundle` is absolute; `platform` hvt or qemu. Throws UserError.
LaunchSettings oci_launch_settings(const OciConfig& config, const std::string& bundle,
                                   const std::string& platform);

// The first IPv4 nameserver line of resolv.conf(5) text, or empty.
std::string first_ipv4_nameserver(const std::string& resolv_conf);

} // namespace ingot
