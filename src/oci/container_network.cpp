#include "oci/container_network.h"

#include "net/owned_fd.h"
#include "support/error.h"

#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>

namespace ingot {

bool enter_network_namespace(const OciConfig& config) {
    for (const OciNamespace& entry : config.namespaces) {
        if (entry.type != "network")
            continue;
        if (entry.path.empty()) {
            if (::unshare(CLONE_NEWNET) != 0)
                fail("cannot create the container's network namespace: {}",
                     system_error_text(errno));
            return true;
        }
        OwnedFd ns(::open(entry.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!ns)
            fail("the container's network namespace '{}': {}", entry.path,
                 system_error_text(errno));
        if (::setns(ns.get(), CLONE_NEWNET) != 0)
            fail("cannot join the network namespace '{}': {}", entry.path,
                 system_error_text(errno));
        return true;
    }
    return false;
}

std::optional<std::string> container_interface() {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0)
        return std::nullopt;
    std::optional<std::string> found;
    for (ifaddrs* entry = list; entry && !found; entry = entry->ifa_next)
        if (entry->ifa_addr && entry->ifa_addr->sa_family == AF_INET &&
            (entry->ifa_flags & IFF_UP) && !(entry->ifa_flags & IFF_LOOPBACK))
            found = entry->ifa_name;
    ::freeifaddrs(list);
    return found;
}

} // namespace ingot
