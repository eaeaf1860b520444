#include "net/network_options.h"

#include "net/interface_takeover.h"

#include "support/error.h"

#include <linux/capability.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

namespace ingot {

namespace {

uint16_t parse_port(std::string_view text, std::string_view port) {
    std::optional<uint32_t> value = parse_decimal(port, 1, 65535);
    if (!value)
        fail("-p {}: '{}' is not a port number (1-65535)", text, port);
    return static_cast<uint16_t>(*value);
}

uint32_t subnet_mask(uint8_t prefix_length) {
    return prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
}

// Why `address` cannot be an interface's or a server's address, or nothing when it can.
const char* not_unicast_reason(uint32_t address) {
    if (address >> 24 == 0)
        return "is in 0.0.0.0/8, which means 'this network'";
    if (address >> 24 == 127)
        return "is a loopback address";
    if (address >> 28 == 0xe)
        return "is a multicast address";
    if (address >> 28 == 0xf)
        return "is a reserved or broadcast address";
    return nullptr;
}

uint32_t parse_host_address(const char* option, const std::string& text) {
    std::optional<uint32_t> address = parse_ipv4(text);
    if (!address)
        fail("{} {}: expected an IPv4 address such as 10.0.2.1", option, text);
    if (const char* reason = not_unicast_reason(*address))
        fail("{} {}: the address {}", option, text, reason);
    return *address;
}

// --ip ADDR/PREFIX into the guest's address and prefix length.
void parse_guest_address(const std::string& text, GuestNetworkConfig& guest) {
    size_t slash = text.find('/');
    if (slash == std::string::npos)
        fail("--ip {}: give the prefix length too, e.g. --ip {}/24", text, text);
    std::optional<uint32_t> prefix = parse_decimal(std::string_view(text).substr(slash + 1), 1, 30);
    if (!prefix)
        fail("--ip {}: the prefix length must be 1-30 (the subnet needs room for the guest and "
             "its gateway)",
             text);
    guest.prefix_length = static_cast<uint8_t>(*prefix);
    guest.address = parse_host_address("--ip", text.substr(0, slash));
    uint32_t mask = subnet_mask(guest.prefix_length);
    if ((guest.address & ~mask) == 0 || (guest.address & ~mask) == ~mask)
        fail("--ip {}: that is the subnet's network or broadcast address, not a host's", text);
}

// A gateway, or the host's end of the tap: another host in the guest's subnet.
void check_neighbour(const char* option, const std::string& text, uint32_t address,
                     const GuestNetworkConfig& guest) {
    uint32_t mask = subnet_mask(guest.prefix_length);
    if ((address & mask) != (guest.address & mask))
        fail("{} {}: outside the guest's subnet {}/{}", option, text,
             format_ipv4(guest.address & mask), guest.prefix_length);
    if ((address & ~mask) == 0 || (address & ~mask) == ~mask)
        fail("{} {}: that is the subnet's network or broadcast address, not a host's", option,
             text);
    if (address == guest.address)
        fail("{} {}: that is the guest's own address", option, text);
}

// The first host of the guest's subnet that is not the guest.
uint32_t first_other_host(const GuestNetworkConfig& guest) {
    uint32_t network = guest.address & subnet_mask(guest.prefix_length);
    return guest.address == network + 1 ? network + 2 : network + 1;
}

void check_tap_name(const std::string& name) {
    // The kernel's rules for interface names (IFNAMSIZ, dev_valid_name), and no '%', which
    // would ask the kernel to invent a name.
    if (name.size() >= 16)
        fail("--net {}: interface names have at most 15 characters", name);
    if (name == "." || name == "..")
        fail("--net {}: not a valid interface name", name);
    for (char c : name)
        if (c == '/' || c == ':' || c == '%' || c <= ' ' || c == 0x7f)
            fail("--net {}: an interface name cannot contain '{}'", name,
                 c <= ' ' || c == 0x7f ? std::string("whitespace or control characters")
                                       : std::string(1, c));
}

MacAddress random_mac() {
    MacAddress mac;
    size_t filled = 0;
    while (filled < mac.size()) {
        ssize_t n = getrandom(mac.data() + filled, mac.size() - filled, 0);
        if (n < 0 && errno != EINTR)
            fail("cannot get random bytes for a MAC address: {}", system_error_text(errno));
        if (n > 0)
            filled += static_cast<size_t>(n);
    }
    // Unicast (bit 0 clear), locally administered (bit 1 set): no vendor's address.
    mac[0] = static_cast<uint8_t>((mac[0] & 0xfc) | 0x02);
    return mac;
}

MacAddress parse_guest_mac(const std::string& text) {
    std::optional<MacAddress> mac = parse_mac(text);
    if (!mac)
        fail("--mac {}: expected six hex pairs separated by colons, e.g. 02:00:00:00:00:01", text);
    if ((*mac)[0] & 1)
        fail("--mac {}: a multicast address cannot be an interface's (the first byte must be "
             "even)",
             text);
    if (*mac == MacAddress{})
        fail("--mac {}: the all-zero address cannot be an interface's", text);
    return *mac;
}

// Why `address` cannot be an interface's or a router's, or nothing when it can (RFC 4291 2.4).
const char* not_unicast6_reason(const Ipv6Address& address) {
    static constexpr Ipv6Address loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (address == Ipv6Address{})
        return "is the unspecified address ::";
    if (address == loopback)
        return "is the loopback address";
    if (address[0] == 0xff)
        return "is a multicast address";
    if (std::all_of(address.begin(), address.begin() + 10, [](uint8_t b) { return b == 0; }) &&
        address[10] == 0xff && address[11] == 0xff)
        return "is an IPv4-mapped address (give IPv4 addresses with --ip)";
    return nullptr;
}

bool is_link_local6(const Ipv6Address& address) {
    return address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
}

// `text` is the address; messages quote the option's whole value, `given`.
Ipv6Address parse_ipv6_address(const char* option, const std::string& given,
                               const std::string& text) {
    std::optional<Ipv6Address> address = parse_ipv6(text);
    if (!address)
        fail("{} {}: expected an IPv6 address such as 2001:db8::15", option, given);
    if (const char* reason = not_unicast6_reason(*address))
        fail("{} {}: the address {}", option, given, reason);
    return *address;
}

bool same_prefix6(const Ipv6Address& a, const Ipv6Address& b, unsigned length) {
    for (unsigned bit = 0; bit < length; ++bit)
        if (((a[bit / 8] ^ b[bit / 8]) >> (7 - bit % 8)) & 1)
            return false;
    return true;
}

// --ip6 ADDR/PREFIX and --gw6 ADDR into the guest's configuration.
void parse_guest_ipv6(const NetworkOptions& options, GuestNetworkConfig& guest) {
    if (!options.address6.empty()) {
        const std::string& text = options.address6;
        size_t slash = text.find('/');
        if (slash == std::string::npos)
            fail("--ip6 {}: give the prefix length too, e.g. --ip6 {}/64", text, text);
        std::optional<uint32_t> prefix =
            parse_decimal(std::string_view(text).substr(slash + 1), 1, 128);
        if (!prefix)
            fail("--ip6 {}: the prefix length must be 1-128", text);
        guest.address6 = parse_ipv6_address("--ip6", text, text.substr(0, slash));
        guest.prefix_length6 = static_cast<uint8_t>(*prefix);
        if (is_link_local6(guest.address6))
            fail("--ip6 {}: a link-local address; the guest forms its own from its MAC", text);
    }
    if (options.gateway6.empty())
        return;
    const std::string& text = options.gateway6;
    guest.gateway6 = parse_ipv6_address("--gw6", text, text);
    if (guest.gateway6 == guest.address6)
        fail("--gw6 {}: that is the guest's own address", text);
    if (!is_link_local6(guest.gateway6) &&
        (options.address6.empty() ||
         !same_prefix6(guest.gateway6, guest.address6, guest.prefix_length6)))
        fail("--gw6 {}: a router must be on the guest's link: link-local, or within --ip6's "
             "prefix",
             text);
}

bool overlap(const PortMapping& a, const PortMapping& b) {
    if (a.protocol != b.protocol || a.host_port != b.host_port)
        return false;
    if (a.family == HostFamily::Both || b.family == HostFamily::Both)
        return true;
    if (a.family != b.family)
        return false;
    if (a.family == HostFamily::Ipv4)
        return a.host_address == b.host_address || a.host_address == 0 || b.host_address == 0;
    return a.host_address6 == b.host_address6 || a.host_address6 == Ipv6Address{} ||
           b.host_address6 == Ipv6Address{};
}

std::vector<PortMapping> parse_port_mappings(const std::vector<std::string>& texts) {
    std::vector<PortMapping> mappings;
    for (size_t i = 0; i < texts.size(); ++i) {
        PortMapping mapping = parse_port_mapping(texts[i]);
        for (size_t j = 0; j < mappings.size(); ++j)
            if (overlap(mappings[j], mapping))
                fail("-p {} and -p {} both publish host port {}", texts[j], texts[i],
                     host_endpoint(mapping));
        mappings.push_back(mapping);
    }
    return mappings;
}

const char* first_guest_option(const NetworkOptions& options) {
    if (!options.address.empty())
        return "--ip";
    if (!options.gateway.empty())
        return "--gw";
    if (!options.mac.empty())
        return "--mac";
    if (!options.address6.empty())
        return "--ip6";
    if (!options.gateway6.empty())
        return "--gw6";
    return nullptr;
}

bool has_effective_capability(int capability) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct sets[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capget, &header, sets) != 0)
        return false;
    return sets[capability / 32].effective & (1u << (capability % 32));
}

// -p served by libslirp (on hvt) or QEMU's slirp: the guest's addresses are slirp's, and the
// host ports are bound as this user, who may not have the privileged ones.
NetworkPlan plan_user_network(const NetworkOptions& options, const HostPrivileges& privileges) {
    const char* why = options.mode == "user"
                          ? "with --network user"
                          : "without CAP_NET_ADMIN for a tap, -p uses user-mode networking, and";
    if (!options.tap.empty())
        fail("--net {} with --network user: user-mode networking has no tap; give one or the "
             "other",
             options.tap);
    if (!options.address.empty())
        fail("--ip {}: {} the guest's address is 10.0.2.15/24 (another needs a tap, and root)",
             options.address, why);
    if (!options.gateway.empty())
        fail("--gw {}: {} the guest's gateway is the host, 10.0.2.2 (another needs a tap, and "
             "root)",
             options.gateway, why);
    if (!options.address6.empty() || !options.gateway6.empty())
        fail("{} {}: {} the guest has no IPv6 beyond its link-local address (IPv6 needs a tap, "
             "and root)",
             options.address6.empty() ? "--gw6" : "--ip6",
             options.address6.empty() ? options.gateway6 : options.address6, why);
    NetworkPlan plan;
    plan.backend = NetworkBackend::User;
    plan.published = parse_port_mappings(options.published);
    for (size_t i = 0; i < plan.published.size(); ++i)
        if (plan.published[i].family == HostFamily::Ipv6)
            fail("-p {}: {} slirp listens on the host's IPv4 addresses only (an IPv6 host "
                 "address needs a tap, and root)",
                 options.published[i], why);
        else if (plan.published[i].host_port < privileges.lowest_port)
            fail("-p {}: host port {} is privileged and this user may not listen on it (below "
                 "{}, net.ipv4.ip_unprivileged_port_start): publish a port from {} up",
                 options.published[i], plan.published[i].host_port, privileges.lowest_port,
                 privileges.lowest_port);
    GuestNetworkConfig& guest = plan.guest;
    guest.mac = options.mac.empty() ? random_mac() : parse_guest_mac(options.mac);
    guest.address = default_guest_address;
    guest.prefix_length = default_prefix_length;
    guest.gateway = user_gateway_address;
    guest.dns = user_dns_address;
    plan.host_address = user_gateway_address;
    return plan;
}

} // namespace

HostPrivileges host_privileges() {
    HostPrivileges privileges;
    privileges.may_create_taps = has_effective_capability(CAP_NET_ADMIN);
    if (has_effective_capability(CAP_NET_BIND_SERVICE)) {
        privileges.lowest_port = 0;
    } else {
        // ip-sysctl.rst: ports below this one need CAP_NET_BIND_SERVICE (default 1024).
        std::ifstream sysctl("/proc/sys/net/ipv4/ip_unprivileged_port_start");
        uint32_t start = 0;
        if (sysctl >> start)
            privileges.lowest_port = start;
    }
    return privileges;
}

PortMapping parse_port_mapping(std::string_view text) {
    PortMapping mapping;
    std::string_view rest = text;
    if (size_t slash = rest.rfind('/'); slash != std::string_view::npos) {
        std::string_view protocol = rest.substr(slash + 1);
        if (protocol == "udp")
            mapping.protocol = TransportProtocol::Udp;
        else if (protocol != "tcp")
            fail("-p {}: the protocol must be tcp or udp, not '{}'", text, protocol);
        rest = rest.substr(0, slash);
    }
    // An IPv6 address has colons of its own: it comes in brackets, as in a URL (RFC 3986 3.2.2).
    if (rest.starts_with('[')) {
        size_t close = rest.find(']');
        if (close == std::string_view::npos)
            fail("-p {}: the IPv6 address has no closing ']'", text);
        std::string_view inside = rest.substr(1, close - 1);
        std::optional<Ipv6Address> address = parse_ipv6(inside);
        if (!address)
            fail("-p {}: '[{}]' is not an IPv6 address of this host", text, inside);
        if ((*address)[0] == 0xff)
            fail("-p {}: '[{}]' is not an address the host can listen on", text, inside);
        if (rest.substr(close + 1, 1) != ":")
            fail("-p {}: expected ':' after the IPv6 address, as in [::1]:8080:80", text);
        mapping.family = HostFamily::Ipv6;
        mapping.host_address6 = *address;
        rest.remove_prefix(close + 2);
    }
    std::vector<std::string_view> parts;
    for (size_t colon; (colon = rest.find(':')) != std::string_view::npos;) {
        parts.push_back(rest.substr(0, colon));
        rest.remove_prefix(colon + 1);
    }
    parts.push_back(rest);
    size_t most = mapping.family == HostFamily::Ipv6 ? 2 : 3;
    if (parts.size() < 2 || parts.size() > most)
        fail("-p {}: expected HOST:GUEST, IP:HOST:GUEST or [IPV6]:HOST:GUEST (ports), "
             "optionally followed by /tcp or /udp",
             text);
    if (parts.size() == 3) {
        std::optional<uint32_t> address = parse_ipv4(parts[0]);
        if (!address)
            fail("-p {}: '{}' is not an IPv4 address of this host (an IPv6 one goes in "
                 "brackets)",
                 text, parts[0]);
        if (*address >> 28 >= 0xe)
            fail("-p {}: '{}' is not an address the host can listen on", text, parts[0]);
        mapping.host_address = *address;
    } else if (mapping.family != HostFamily::Ipv6)
        mapping.family = HostFamily::Both;
    mapping.host_port = parse_port(text, parts[parts.size() - 2]);
    mapping.guest_port = parse_port(text, parts.back());
    return mapping;
}

std::string host_endpoint(const PortMapping& mapping) {
    std::string address = mapping.family == HostFamily::Ipv4 ? format_ipv4(mapping.host_address)
                          : mapping.family == HostFamily::Ipv6
                              ? fmt::format("[{}]", format_ipv6(mapping.host_address6))
                              : std::string("*");
    return fmt::format("{}:{}/{}", address, mapping.host_port,
                       mapping.protocol == TransportProtocol::Tcp ? "tcp" : "udp");
}

std::optional<NetworkPlan> plan_network(const NetworkOptions& options,
                                        const HostPrivileges& privileges) {
    if (!options.interface.empty())
        return plan_interface_takeover(options);
    if (!options.mode.empty() && options.mode != "user")
        fail("--network {}: the only network mode is 'user' (user-mode networking, no root); "
             "a tap is --net NAME",
             options.mode);
    if (options.mode == "user" ||
        (options.tap.empty() && !options.published.empty() && !privileges.may_create_taps))
        return plan_user_network(options, privileges);
    if (options.tap.empty() && options.published.empty()) {
        if (const char* option = first_guest_option(options))
            fail("{} configures the guest's network interface: give --net NAME or -p "
                 "HOST:GUEST too",
                 option);
        return std::nullopt;
    }
    NetworkPlan plan;
    if (!options.tap.empty()) {
        check_tap_name(options.tap);
        plan.tap_name = options.tap;
    }
    plan.published = parse_port_mappings(options.published);
    GuestNetworkConfig& guest = plan.guest;
    guest.mac = options.mac.empty() ? random_mac() : parse_guest_mac(options.mac);

    if (!options.address.empty()) {
        parse_guest_address(options.address, guest);
    } else if (!options.gateway.empty()) {
        fail("--gw {}: give the guest's address with --ip ADDR/PREFIX too (the gateway must lie "
             "in its subnet)",
             options.gateway);
    } else if (!options.tap.empty()) {
        if (!plan.published.empty())
            fail("-p with --net {} needs --ip ADDR/PREFIX: the port proxy connects to the "
                 "guest's address, which would otherwise come from DHCP",
                 options.tap);
        guest.use_dhcp = true;
    } else {
        guest.address = default_guest_address;
        guest.prefix_length = default_prefix_length;
    }

    if (!options.gateway.empty()) {
        guest.gateway = parse_host_address("--gw", options.gateway);
        check_neighbour("--gw", options.gateway, guest.gateway, guest);
    }
    parse_guest_ipv6(options, guest);
    if (options.tap.empty()) {
        // ingot owns the host end: it is the guest's gateway, and --gw (if given) names it.
        plan.configure_host = true;
        plan.host_address = guest.gateway ? guest.gateway : first_other_host(guest);
        guest.gateway = plan.host_address;
    }
    return plan;
}

} // namespace ingot
