// --net-interface NAME: the guest takes over an interface of ingot's network namespace, the
// way Kata Containers' tc-filter networking connects a VM to a container's network. A tap in
// the same namespace and two traffic-control redirects (every frame the interface receives
// leaves through the tap, every frame the guest sends leaves through the interface) make the
// guest the interface's only user; it gets the interface's address, gateway and MAC, so the
// network beyond (a CNI bridge, podman's port forwarding, a router) sees no change. The
// namespace's owner (a container engine) publishes ports and routes as it would for a container.
#pragma once

#include "net/ingress_cleanup.h"
#include "net/interface_info.h"
#include "net/network_options.h"

#include <memory>
#include <string>

namespace ingot {

class TapDevice;

// The plan for --net-interface: reads the interface in the calling thread's network namespace
// and gives the guest its address, prefix, default gateway and MAC. Throws UserError (one
// line) for options that make no sense with it (-p, --net, --ip, --gw, --mac) and for an
// interface that cannot be taken over (unknown, loopback, not Ethernet, no IPv4 address).
NetworkPlan plan_interface_takeover(const NetworkOptions& options);

class InterfaceTakeover {
public:
    // First half, before the tap exists: the interface's ingress qdisc, and the process that
    // removes it when ingot ends (ingress_cleanup.h). Throws UserError, e.g. without
    // CAP_NET_ADMIN in the namespace or when another VM has the interface.
    explicit InterfaceTakeover(const std::string& interface_name);
    // Second half: the tap gets the interface's MTU (the hvt monitor gives the guest the tap's),
    // an ingress qdisc, and the redirects both ways. The tap must be up. Throws UserError.
    void connect(const TapDevice& tap);

    const std::string& interface_name() const { return m_name; }

private:
    std::string m_name;
    InterfaceLink m_link;
    std::unique_ptr<IngressCleanup> m_cleanup;
};

} // namespace ingot
