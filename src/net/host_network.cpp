#include "net/host_network.h"

#include "net/route_netlink.h"
#include "support/error.h"

#include <fmt/format.h>
#include <ingot/abi/boot_info.h>

#include <fstream>

namespace ingot {

namespace {

// The host kernel would otherwise send IPv6 router solicitations and MLD reports down the tap
// to a guest that speaks IPv4 only. Best effort: without it the guest drops those frames.
void disable_ipv6(const std::string& interface) {
    std::ofstream(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", interface)) << "1\n";
}

void configure_host_end(const TapDevice& tap, const NetworkPlan& plan) {
    disable_ipv6(tap.name());
    uint8_t prefix = plan.guest.prefix_length;
    if (int error = add_interface_address(tap.index(), plan.host_address, prefix))
        fail("cannot give tap {} the host address {}/{}: {}", tap.name(),
             format_ipv4(plan.host_address), prefix, system_error_text(error));
    if (int error = set_interface_up(tap.index()))
        fail("cannot bring tap {} up: {}", tap.name(), system_error_text(error));
}

// A tap --net created is the user's to address, but down it passes nothing, not even the
// guest's DHCP request.
void bring_up(const TapDevice& tap) {
    disable_ipv6(tap.name());
    if (int error = set_interface_up(tap.index()))
        fail("cannot bring tap {} up: {}", tap.name(), system_error_text(error));
}

// The Interface backend's first half, before its tap exists (interface_takeover.h).
std::unique_ptr<InterfaceTakeover> take_over_if_planned(const NetworkPlan& plan) {
    if (plan.backend != NetworkBackend::Interface)
        return nullptr;
    return std::make_unique<InterfaceTakeover>(plan.interface_name);
}

} // namespace

HostNetwork::HostNetwork(const NetworkPlan& plan, std::function<void()> proxy_thread_setup,
                         const std::string& tun_path, UserNetworkSettings user_settings,
                         const ProxyHandover& handover)
    : m_plan(plan), m_takeover(take_over_if_planned(plan)) {
    m_attachment.guest = plan.guest;
    if (plan.backend == NetworkBackend::User) {
        set_up_user_network(std::move(user_settings));
        return;
    }
    const TapDevice& tap = m_tap.emplace(plan.tap_name, tun_path);
    m_attachment.tap_fd = tap.fd();
    m_attachment.tap_name = tap.name();
    m_attachment.enable_coalescing = [fd = tap.fd()] { return TapDevice::enable_coalescing(fd); };
    if (plan.configure_host)
        configure_host_end(tap, plan);
    else if (tap.created())
        bring_up(tap); // a new tap starts down: no frame would pass
    if (m_takeover)
        m_takeover->connect(tap);
    if (!plan.published.empty()) {
        PortProxySettings settings;
        settings.guest_address = plan.guest.address;
        // Tied to the tap only when ingot routed the guest's subnet to it: a user's tap may be
        // a bridge port, reached through the bridge's address and route instead.
        if (plan.configure_host)
            settings.device = tap.name();
        settings.thread_setup = std::move(proxy_thread_setup);
        m_proxy = std::make_unique<PortProxy>(plan.published, settings, handover);
    }
}

// No tap and no port proxy: libslirp (or QEMU's slirp) is the guest's network, and listens on
// the published ports itself.
void HostNetwork::set_up_user_network(UserNetworkSettings settings) {
    if (!settings.in_process)
        return;
    m_user = std::make_unique<UserNetwork>(m_plan, std::move(settings.thread_setup));
    m_attachment.tap_fd = m_user->guest_fd();
}

std::string HostNetwork::description() const {
    const GuestNetworkConfig& guest = m_attachment.guest;
    std::string text =
        m_tap ? fmt::format("tap {}", m_tap->name()) : std::string("user-mode networking (slirp)");
    if (m_takeover)
        text += fmt::format(" (taking over {})", m_takeover->interface_name());
    if (m_plan.configure_host)
        text += fmt::format(" (host {}/{})", format_ipv4(m_plan.host_address), guest.prefix_length);
    text += fmt::format(", guest MAC {}", format_mac(guest.mac));
    if (guest.use_dhcp)
        text += ", guest address by DHCP";
    else
        text += fmt::format(", guest {}/{}", format_ipv4(guest.address), guest.prefix_length);
    if (guest.gateway)
        text += fmt::format(" gateway {}", format_ipv4(guest.gateway));
    if (guest.dns)
        text += fmt::format(" dns {}", format_ipv4(guest.dns));
    for (const PortMapping& mapping : m_plan.published)
        text += fmt::format(", {} -> {}:{}", host_endpoint(mapping), format_ipv4(guest.address),
                            mapping.guest_port);
    return text;
}

std::optional<std::string> HostNetwork::dhcp_notice() const {
    if (!m_attachment.guest.use_dhcp)
        return std::nullopt;
    std::string text = fmt::format("waiting up to {} s for a DHCP lease on tap {}",
                                   abi::dhcp_wait_seconds, m_tap->name());
    if (m_tap->created())
        text += " (a new tap: nothing serves DHCP there yet)";
    return text + "; without one the guest takes 10.0.2.15/24 (--ip sets an address)";
}

std::optional<HostNetwork> set_up_network(const std::optional<NetworkPlan>& plan,
                                          std::function<void()> proxy_thread_setup,
                                          UserNetworkSettings user_settings,
                                          const ProxyHandover& handover) {
    if (!plan)
        return std::nullopt;
    return std::optional<HostNetwork>(std::in_place, *plan, std::move(proxy_thread_setup),
                                      "/dev/net/tun", std::move(user_settings), handover);
}

} // namespace ingot
