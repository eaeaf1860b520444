// One socket as /proc/net/tcp, tcp6, udp and udp6 list it (Linux's get_tcp4_sock,
// get_timewait4_sock and udp4_format_sock): what the stack knows of it (TcpTable::list,
// UdpLayer::list), for fs/synthetic/proc_net_sockets.cpp to print.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct SocketListing {
    bool ipv6 = false; // an AF_INET6 socket's: listed in tcp6 or udp6
    IpEndpoint local, remote;
    uint8_t state = 7;          // Linux's TCP_ESTABLISHED... numbering; UDP: 1 connected, 7 not
    uint32_t send_queue = 0;    // TCP: bytes not acknowledged yet
    uint32_t receive_queue = 0; // bytes to read; a listener: connections waiting for accept
    uint8_t retransmits = 0;    // of the oldest unacknowledged segment
    uint64_t inode = 0;         // the socket file's; 0 for none (waiting for accept, orphaned)
    uint32_t rto_us = 0, ato_us = 0;
    uint32_t congestion_window = 0;    // segments
    int32_t slow_start_threshold = -1; // segments; -1 in the initial slow start
};

class SocketVisitor {
public:
    virtual void visit(const SocketListing& socket) = 0;

protected:
    ~SocketVisitor() = default;
};

} // namespace kernel::net
