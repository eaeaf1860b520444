// NETLINK_ROUTE as far as programs read it (man 7 rtnetlink): dumps of the links (RTM_GETLINK),
// their addresses (RTM_GETADDR) and routes (RTM_GETROUTE), which glibc's getifaddrs and
// if_nameindex, the AI_ADDRCONFIG check of getaddrinfo, Go's net.Interfaces and iproute2's `ip`
// ask for. The interface cannot be changed through it: requests to change it answer
// EOPNOTSUPP, others EOPNOTSUPP too. Plain logic on the facts it is given, tested on the host.
#pragma once

#include "net/interface_facts.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::netlink {

inline constexpr int af_netlink = 16;
inline constexpr int netlink_route = 0;
// struct sockaddr_nl: family, padding, port id, multicast groups.
inline constexpr size_t address_length = 12;

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
void answer(const uint8_t* data, size_t length, uint32_t port, const interfaces::Facts& facts,
            Replies& replies);

} // namespace kernel::net::netlink
