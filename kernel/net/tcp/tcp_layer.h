// TCP for the whole stack, over IPv4 and IPv6: the table of connections and listeners, input
// demultiplexing and the timers (retransmission, delayed ACK, persist, keep-alive, TIME_WAIT).
#pragma once

#include "net/address.h"
#include "net/environment.h"
#include "net/ip6_output.h"
#include "net/ip_output.h"
#include "net/socket.h"
#include "net/socket_listing.h"
#include "net/statistics.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

class TcpLayer {
public:
    TcpLayer(IpOutput& ip, Ip6Output& ip6, const Environment& environment);
    ~TcpLayer();
    TcpLayer(const TcpLayer&) = delete;
    TcpLayer& operator=(const TcpLayer&) = delete;

    // An AF_INET socket, or an AF_INET6 one with `ipv6`; nullptr when out of memory.
    TcpSocket* create_socket(bool ipv6 = false);

    // One segment addressed to us (the IP header already stripped and checked); both
    // addresses of its family, IPv4 ones in their mapped form.
    void receive(const IpAddress& source, const IpAddress& destination, const uint8_t* segment,
                 size_t length, bool checksum_verified);
    // An ICMP or ICMPv6 destination-unreachable or similar about a segment we sent: `quoted`
    // is the start of our TCP header as the message quotes it. `next_hop_mtu`: what a
    // "fragmentation needed" error or an ICMPv6 packet-too-big (`error` EMSGSIZE) says the path
    // carries (0 from a router older than RFC 1191, and for every other error).
    void receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                            int error, size_t next_hop_mtu);

    // Runs every timer that is due, and sends what became sendable.
    void run_timers();
    // The earliest pending timer (monotonic ns), or 0 when none.
    uint64_t next_deadline_ns() const;
    // Whether some connection still has data or a FIN its peer has not acknowledged.
    bool has_undelivered_output() const;

    const TcpStatistics& statistics() const;
    // Its listeners and connections (TcpTable::list).
    void list(SocketVisitor& visitor);

private:
    struct State;
    State* m_state;
};

} // namespace kernel::net
