// The network interfaces as programs see them: loopback and, with a network device, eth0, with
// their addresses, routes and counters. Every way a program asks reads these facts and derives
// what it shows from them here: NETLINK_ROUTE (net/netlink), the SIOCGIF* ioctls
// (net/interface_requests.h) and /proc/net/dev, route and if_inet6 (fs/synthetic/proc_net.cpp).
// net::interface_facts() (net/network.h) gathers them from the running stack.
#pragma once

#include "lib/string.h"
#include "lib/string_view.h"
#include "net/address.h"
#include "net/byte_order.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::interfaces {

// include/uapi/linux/if.h (struct net_device_flags), if_arp.h.
inline constexpr uint32_t iff_up = 0x1, iff_broadcast = 0x2, iff_loopback = 0x8, iff_running = 0x40,
                          iff_multicast = 0x1000, iff_lower_up = 0x10000;
inline constexpr uint16_t arphrd_ether = 1, arphrd_loopback = 772;
// The links' indexes: lo first, as Linux numbers it, then eth0.
inline constexpr int loopback_index = 1, ethernet_index = 2;
// Linux's default transmit queue length (DEFAULT_TX_QUEUE_LEN); loopback has it too.
inline constexpr uint32_t default_queue_length = 1000;

// What went through a link since boot, as struct rtnl_link_stats64 counts it: a segment the
// device cuts (TSO) is one packet of its whole length.
struct LinkCounters {
    uint64_t received_packets = 0, received_bytes = 0;
    uint64_t sent_packets = 0, sent_bytes = 0, sent_dropped = 0;
};

struct Link {
    int index = 0;
    const char* name = "";
    bool loopback = false;
    MacAddress mac;
    uint32_t mtu = 0;
    LinkCounters counters;
};

struct Address {
    int index = 0; // the link's
    bool ipv6 = false;
    uint8_t bytes[16] = {};
    uint8_t prefix_length = 0;
    bool tentative = false; // IPv6 duplicate address detection still running
};

struct Route {
    int index = 0; // the link's
    bool ipv6 = false;
    uint8_t destination[16] = {}; // with `prefix_length` bits; none for the default route
    uint8_t prefix_length = 0;
    bool has_gateway = false;
    uint8_t gateway[16] = {};
    // The source address the route prefers (RTA_PREFSRC), as Linux gives a subnet's route;
    // none when all zero.
    uint8_t preferred_source[16] = {};
};

struct Facts {
    static constexpr size_t max_links = 2, max_addresses = 12, max_routes = 8;
    Link links[max_links];
    size_t link_count = 0;
    Address addresses[max_addresses];
    size_t address_count = 0;
    Route routes[max_routes];
    size_t route_count = 0;

    // Each drops what is beyond its cap.
    void add_link(const Link& link) {
        if (link_count < max_links)
            links[link_count++] = link;
    }
    void add_address(const Address& address) {
        if (address_count < max_addresses)
            addresses[address_count++] = address;
    }
    void add_route(const Route& route) {
        if (route_count < max_routes)
            routes[route_count++] = route;
    }
    const Link* link(int index) const {
        for (size_t i = 0; i < link_count; ++i)
            if (links[i].index == index)
                return &links[i];
        return nullptr;
    }
    const Link* link(StringView name) const {
        for (size_t i = 0; i < link_count; ++i)
            if (name == StringView(links[i].name))
                return &links[i];
        return nullptr;
    }
};

// An entry of eth0's ARP cache, as /proc/net/arp lists it: the MAC address is all zero while
// the neighbour has not answered.
struct Neighbour {
    int index = 0; // the link's
    uint8_t address[4] = {};
    MacAddress mac;
    bool resolved = false;
};

class NeighbourVisitor {
public:
    virtual void visit(const Neighbour& neighbour) = 0;

protected:
    ~NeighbourVisitor() = default;
};

// Both links are up with their carrier: lo as Linux's loopback, eth0 as an Ethernet device.
constexpr uint32_t link_flags(const Link& link) {
    return link.loopback ? iff_up | iff_loopback | iff_running | iff_lower_up
                         : iff_up | iff_broadcast | iff_running | iff_multicast | iff_lower_up;
}

constexpr uint16_t hardware_type(const Link& link) {
    return link.loopback ? arphrd_loopback : arphrd_ether;
}

// An address's IFA_F_* flags (include/uapi/linux/if_addr.h): all are permanent, there being no
// lifetimes to keep; an IPv6 one is tentative until duplicate address detection passes.
inline constexpr uint8_t ifa_f_tentative = 0x40, ifa_f_permanent = 0x80;
constexpr uint8_t address_flags(const Address& address) {
    return static_cast<uint8_t>(ifa_f_permanent | (address.tentative ? ifa_f_tentative : 0));
}

// An IPv6 address's scope as /proc/net/if_inet6 shows it (IPV6_ADDR_LOOPBACK, IPV6_ADDR_LINKLOCAL
// or 0, global); NETLINK_ROUTE gives the same scopes in its own numbers.
inline constexpr uint8_t ipv6_scope_global = 0, ipv6_scope_host = 0x10, ipv6_scope_link = 0x20;
inline uint8_t ipv6_scope(const Address& address) {
    Ipv6Address value;
    memcpy(value.bytes, address.bytes, sizeof value.bytes);
    if (value.is_link_local())
        return ipv6_scope_link;
    return value.is_loopback() ? ipv6_scope_host : ipv6_scope_global;
}

// An IPv4 prefix length's netmask (255.255.255.0 for 24).
inline void ipv4_netmask(uint8_t prefix_length, uint8_t (&mask)[4]) {
    store_be32(mask, prefix_length ? ~0u << (32 - (prefix_length > 32 ? 32 : prefix_length)) : 0);
}

// An IPv4 address's broadcast address: its subnet's, as `ip address add ... brd +` and DHCP
// clients give one; none for /31 and /32 (RFC 3021) and for loopback's 127.0.0.1/8, as Linux
// configures lo; false then.
inline bool ipv4_broadcast(const Address& address, uint8_t (&broadcast)[4]) {
    if (address.ipv6 || address.prefix_length >= 31 ||
        Ipv4Address{load_be32(address.bytes)}.is_loopback())
        return false;
    store_be32(broadcast, load_be32(address.bytes) | (~0u >> address.prefix_length));
    return true;
}

} // namespace kernel::net::interfaces
