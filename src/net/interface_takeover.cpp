#include "net/interface_takeover.h"

#include "net/rtnetlink_socket.h"
#include "net/tap_device.h"
#include "net/traffic_control.h"
#include "support/error.h"

#include <cerrno>

namespace ingot {

namespace {

// Ports and the guest's interface are the namespace owner's when ingot takes an interface
// over: -p would publish on the namespace's own stack, which no longer sees a frame.
void check_no_other_network_option(const NetworkOptions& options) {
    const char* other = !options.published.empty()  ? "-p"
                        : !options.tap.empty()      ? "--net"
                        : !options.address.empty()  ? "--ip"
                        : !options.gateway.empty()  ? "--gw"
                        : !options.address6.empty() ? "--ip6"
                        : !options.gateway6.empty() ? "--gw6"
                        : !options.mac.empty()      ? "--mac"
                                                    : nullptr;
    if (!other)
        return;
    if (other == std::string_view("-p"))
        fail("-p cannot be combined with --net-interface {}: the guest takes the interface over, "
             "so publish ports where its network is set up (podman run -p, a CNI port map)",
             options.interface);
    if (other == std::string_view("--net"))
        fail("--net and --net-interface {} both name the guest's network: give one",
             options.interface);
    fail("{} cannot be combined with --net-interface {}: the guest takes {}'s address, gateway "
         "and MAC",
         other, options.interface, options.interface);
}

InterfaceLink read_link(const std::string& name) {
    std::optional<InterfaceLink> link = read_interface_link(name);
    if (!link)
        fail("--net-interface {}: there is no such interface in this network namespace", name);
    if (link->loopback)
        fail("--net-interface {}: the loopback interface cannot be taken over; name the one that "
             "leads to the network (such as eth0)",
             name);
    if (!link->ethernet)
        fail("--net-interface {}: not an Ethernet interface (the guest's tap carries Ethernet "
             "frames)",
             name);
    return *link;
}

} // namespace

NetworkPlan plan_interface_takeover(const NetworkOptions& options) {
    check_no_other_network_option(options);
    InterfaceLink link = read_link(options.interface);
    std::optional<InterfaceAddress> address = read_interface_address(link.index);
    if (!address)
        fail("--net-interface {}: it has no IPv4 address to give the guest", options.interface);
    NetworkPlan plan;
    plan.backend = NetworkBackend::Interface;
    plan.interface_name = options.interface;
    plan.guest.mac = link.mac;
    plan.guest.address = address->address;
    plan.guest.prefix_length = address->prefix_length;
    plan.guest.gateway = read_default_gateway(link.index);
    return plan;
}

// The interface keeps its address, as in Kata Containers' tc-filter mode (only its macvtap mode
// clears the veth's addresses, against ARP conflicts). The ingress redirect steals every frame
// before the namespace's own stack sees it, so that stack never answers ARP or anything else in
// the guest's place; and the address, with the routes through it (which the kernel would drop
// along with it), stays as the container engine made it, for whatever inspects or tears down
// the namespace after.
InterfaceTakeover::InterfaceTakeover(const std::string& interface_name)
    : m_name(interface_name), m_link(read_link(interface_name)) {
    RtnetlinkSocket socket;
    int error = add_ingress_qdisc(socket, m_link.index);
    if (error == EPERM)
        fail("--net-interface {}: taking an interface over needs CAP_NET_ADMIN in its network "
             "namespace (run as root, or from the container runtime inside the container's "
             "namespace)",
             m_name);
    if (error == EEXIST)
        fail("--net-interface {}: it has an ingress qdisc already: another VM has it, or a killed "
             "one left it (`tc qdisc del dev {} ingress` removes it)",
             m_name, m_name);
    if (error == ENOENT || error == EOPNOTSUPP)
        fail("--net-interface {}: this kernel has no ingress qdisc (CONFIG_NET_SCH_INGRESS)",
             m_name);
    if (error)
        fail("--net-interface {}: cannot add an ingress qdisc: {}", m_name,
             system_error_text(error));
    try {
        m_cleanup = std::make_unique<IngressCleanup>(m_link.index, m_name);
    } catch (...) {
        delete_ingress_qdisc(socket, m_link.index);
        throw;
    }
}

void InterfaceTakeover::connect(const TapDevice& tap) {
    RtnetlinkSocket socket;
    if (int error = set_link_mtu(socket, tap.index(), m_link.mtu))
        fail("--net-interface {}: cannot give tap {} the interface's MTU {}: {}", m_name,
             tap.name(), m_link.mtu, system_error_text(error));
    if (int error = add_ingress_qdisc(socket, tap.index()))
        fail("--net-interface {}: cannot add an ingress qdisc to tap {}: {}", m_name, tap.name(),
             system_error_text(error));
    for (auto [from, to] : {std::pair{m_link.index, tap.index()}, {tap.index(), m_link.index}}) {
        int error = add_redirect_filter(socket, from, to);
        if (error == ENOENT || error == EOPNOTSUPP)
            fail("--net-interface {}: this kernel lacks the u32 classifier or the mirred action "
                 "(CONFIG_NET_CLS_U32, CONFIG_NET_ACT_MIRRED)",
                 m_name);
        if (error)
            fail("--net-interface {}: cannot redirect the frames of {} to {}: {}", m_name,
                 from == tap.index() ? tap.name() : m_name, to == tap.index() ? tap.name() : m_name,
                 system_error_text(error));
    }
}

} // namespace ingot
