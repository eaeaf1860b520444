// NETLINK_ROUTE as far as programs read it (man 7 rtnetlink): dumps of the links (RTM_GETLINK),
// their addresses (RTM_GETADDR) and routes (RTM_GETROUTE), which glibc's getifaddrs and
// if_nameindex, the AI_ADDRCONFIG check of getaddrinfo, Go's net.Interfaces and iproute2's `ip`
// ask for. The interface cannot be changed through it: requests to change it answer
// EOPNOTSUPP, others EOPNOTSUPP too. Plain logic on the facts it is given, tested on the host.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::netlink {

inline constexpr int af_netlink = 16;
inline constexpr int netlink_route = 0;
// struct sockaddr_nl: family, padding, port id, multicast groups.
inline constexpr size_t address_length = 12;

// What there is to report: loopback and, with a network device, eth0.
struct Link {
    int index = 0;
    const char* name = "";
    bool loopback = false;
    MacAddress mac;
    uint32_t mtu = 0;
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

    void add_link(const Link& link);
    void add_address(const Address& address);
    void add_route(const Route& route);
};

// Where answers go: each call is one datagram of `length` bytes for the requester.
struct Replies {
    virtual void deliver(const uint8_t* datagram, size_t length) = 0;

protected:
    ~Replies() = default;
};

// Answers every request in `data` (one or more struct nlmsghdr, as one send carries them) from
// `facts`, for the socket whose port id is `port`: a dump as one datagram of messages with
// NLM_F_MULTI that ends with NLMSG_DONE; a request for one link by index or name as its
// message, or NLMSG_ERROR ENODEV; anything else NLMSG_ERROR EOPNOTSUPP; an acknowledgement
// (NLMSG_ERROR 0) for NLM_F_ACK. Stops at a truncated header, as Linux's netlink_rcv_skb.
void answer(const uint8_t* data, size_t length, uint32_t port, const Facts& facts,
            Replies& replies);

} // namespace kernel::net::netlink
