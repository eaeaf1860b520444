// The host side of a VM's network, set up before boot and torn down after: the tap (created
// or opened), the host end's address and link state when ingot owns them, and the port proxy
// for -p. All of it is RAII: a tap ingot created vanishes when its descriptor closes, taking
// its address and route along, and the proxy stops with this object. The platforms take
// attachment().
#pragma once

#include "net/interface_takeover.h"
#include "net/network_attachment.h"
#include "net/network_options.h"
#include "net/port_proxy.h"
#include "net/tap_device.h"
#include "net/user_network.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ingot {

// How NetworkBackend::User is served: by a libslirp thread of ingot's for the hvt monitor
// (`thread_setup` its first call: the sandbox), or by QEMU's own -netdev user, with nothing
// on ingot's side.
struct UserNetworkSettings {
    bool in_process = true;
    std::function<void()> thread_setup;
};

class HostNetwork {
public:
    // Throws UserError (one line: what is missing, what would help) when this user may not
    // create or open the tap, or a published port cannot be bound. `proxy_thread_setup` runs
    // first on the proxy's thread (PortProxySettings). `tun_path` is for tests; `handover`
    // for on-demand boots (port_proxy.h).
    explicit HostNetwork(const NetworkPlan& plan, std::function<void()> proxy_thread_setup = {},
                         const std::string& tun_path = "/dev/net/tun",
                         UserNetworkSettings user_settings = {},
                         const ProxyHandover& handover = {});

    const NetworkAttachment& attachment() const { return m_attachment; }
    // Only with NetworkBackend::Tap.
    const TapDevice& tap() const { return *m_tap; }
    // Null without -p.
    const PortProxy* proxy() const { return m_proxy.get(); }
    // One line for --verbose: the tap, both ends' addresses, the published ports.
    std::string description() const;
    // What the guest will wait for at boot when it asks DHCP (one line for stderr), else null.
    std::optional<std::string> dhcp_notice() const;

private:
    void set_up_user_network(UserNetworkSettings settings);

    NetworkPlan m_plan;
    // Interface backend: the interface taken over, before the tap (its first half runs first).
    std::unique_ptr<InterfaceTakeover> m_takeover;
    std::optional<TapDevice> m_tap;
    std::unique_ptr<UserNetwork> m_user; // User, on hvt
    NetworkAttachment m_attachment;
    std::unique_ptr<PortProxy> m_proxy;
};

// The host side for `plan`, or nothing when the run has no network.
std::optional<HostNetwork> set_up_network(const std::optional<NetworkPlan>& plan,
                                          std::function<void()> proxy_thread_setup = {},
                                          UserNetworkSettings user_settings = {},
                                          const ProxyHandover& handover = {});

} // namespace ingot
