// The network options of `ingot run` (--net, --ip, --gw, --mac, -p) as typed, and the
// checked plan they make: which tap, how the host end is addressed, how the guest's interface is
// configured, which host ports are published to the guest.
#pragma once

#include "net/address_text.h"
#include "net/network_attachment.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

struct NetworkOptions {
    std::string tap;                    // --net NAME
    std::string address;                // --ip ADDR/PREFIX
    std::string gateway;                // --gw ADDR
    std::string address6;               // --ip6 ADDR/PREFIX
    std::string gateway6;               // --gw6 ADDR
    std::string mac;                    // --mac MAC
    std::vector<std::string> published; // -p [IP:|[IPV6]:]HOST:GUEST[/tcp|/udp], repeatable
    std::string interface;              // --net-interface NAME
    std::string mode;                   // --network user|tap; empty: chosen (plan_network)
};

enum class TransportProtocol { Tcp, Udp };

// Which of the host's addresses a mapping listens on.
enum class HostFamily {
    Ipv4, // host_address (0.0.0.0: every IPv4 address)
    Ipv6, // host_address6 (::: every IPv6 address)
    Both, // no address given: every IPv4 and every IPv6 address, as Docker publishes
};

struct PortMapping {
    TransportProtocol protocol = TransportProtocol::Tcp;
    uint32_t host_address = 0; // host byte order
    uint16_t host_port = 0;    // 0 (tests only): one the kernel picks, the same for both families
    uint16_t guest_port = 0;   // the guest is reached over IPv4 whatever the host side
    HostFamily family = HostFamily::Ipv4;
    Ipv6Address host_address6{};
};

// The guest's address when -p creates the network and --ip does not say, and the host's.
inline constexpr uint32_t default_guest_address = 0x0a00020f; // 10.0.2.15
inline constexpr uint32_t default_host_address = 0x0a000201;  // 10.0.2.1
inline constexpr uint8_t default_prefix_length = 24;

// User-mode networking's fixed addresses, libslirp's and QEMU's convention: the subnet
// 10.0.2.0/24, the guest default_guest_address, the host as the gateway, a DNS forwarder.
inline constexpr uint32_t user_network_address = 0x0a000200; // 10.0.2.0
inline constexpr uint32_t user_gateway_address = 0x0a000202; // 10.0.2.2
inline constexpr uint32_t user_dns_address = 0x0a000203;     // 10.0.2.3

// How the guest's frames reach the host.
enum class NetworkBackend {
    Tap,       // a tap (--net, or -p as root): the host routes the guest's subnet to it
    User,      // user-mode networking (-p as an ordinary user): no tap, no root
    Interface, // --net-interface: the guest takes over an interface of ingot's network namespace
};

struct NetworkPlan {
    NetworkBackend backend = NetworkBackend::Tap;
    // Interface: the interface taken over (its address, gateway and MAC become the guest's).
    std::string interface_name;
    // Tap. Empty: create a new tap and let the kernel name it from "ingot%d". Otherwise --net's
    // name, opened if it exists, else created.
    std::string tap_name;
    // With -p and no --net, ingot owns the host end: it gives the tap host_address/prefix
    // (which routes the guest's subnet to it) and brings it up. With --net that is the user's.
    bool configure_host = false;
    uint32_t host_address = 0;
    GuestNetworkConfig guest;
    std::vector<PortMapping> published;
};

// One -p value; throws UserError naming it when malformed.
PortMapping parse_port_mapping(std::string_view text);

// What ingot's user may do to the host's network, which decides -p's backend.
struct HostPrivileges {
    bool may_create_taps = false; // root's or CAP_NET_ADMIN's
    // The lowest port this user may listen on (net.ipv4.ip_unprivileged_port_start, or 0 with
    // CAP_NET_BIND_SERVICE).
    uint32_t lowest_port = 1024;
};
HostPrivileges host_privileges();

// Nothing when no network option is given; throws UserError (one line) for bad values and for
// combinations that make no sense. The MAC, unless --mac gives it, is random, locally
// administered and unicast. -p without --net is served by a tap where `privileges` allow one,
// else (or with --network user) by user-mode networking.
std::optional<NetworkPlan> plan_network(const NetworkOptions& options,
                                        const HostPrivileges& privileges = host_privileges());

// "127.0.0.1:8080/tcp", "[::1]:8080/tcp", or "*:8080/tcp" for every address: where the host
// listens, for messages.
std::string host_endpoint(const PortMapping& mapping);

} // namespace ingot
