// The network stack on one interface: Ethernet, ARP, IPv4, ICMP, IPv6, ICMPv6, UDP (over both),
// TCP and the DHCP client,
// driven by poll() from the scheduler (no interrupt context ever runs stack code).
#pragma once

#include "net/address.h"
#include "net/environment.h"
#include "net/interface_facts.h"
#include "net/net_device.h"
#include "net/socket.h"
#include "net/socket_listing.h"
#include "net/statistics.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

class NetworkStack {
public:
    NetworkStack(NetDevice& device, const Environment& environment);
    ~NetworkStack();
    NetworkStack(const NetworkStack&) = delete;
    NetworkStack& operator=(const NetworkStack&) = delete;

    // A static address, or DHCP when config.use_dhcp (then is_configured() turns true once a
    // lease is bound; `config` supplies the fallback the caller applies on timeout).
    void configure(const InterfaceConfig& config);
    bool is_configured() const;
    const InterfaceConfig& config() const;

    // Takes received frames, runs due timers (ARP, reassembly, DHCP, TCP) and flushes what
    // was queued for transmission. Cheap when nothing happened.
    void poll();
    // The earliest time poll() has work even without a frame arriving; 0 when none.
    uint64_t next_deadline_ns() const;
    // Whether anything sent has not reached its peer yet (see finish_output): TCP data or a
    // FIN not acknowledged, packets waiting for a neighbour's address, frames still with the
    // device.
    bool has_undelivered_output() const;
    // Whether the device still holds frames: it says so only when asked, without an event.
    bool device_is_transmitting() const;

    // AF_INET6 with `ipv6`; nullptr when out of memory.
    TcpSocket* create_tcp_socket(bool ipv6 = false);
    UdpSocket* create_udp_socket(bool ipv6 = false);

    // The interface's IPv6 addresses of every state, in order (link-local first): false past
    // the last.
    bool ipv6_address_at(size_t index, Ipv6Address& address, uint8_t& prefix_length,
                         bool& tentative) const;
    // The router IPv6 traffic off the link goes through; any() for none.
    Ipv6Address ipv6_default_router() const;
    const NetDevice& device() const;

    const StackStatistics& statistics() const;
    const TcpStatistics& tcp_statistics() const;
    // Its TCP (`tcp`) or UDP sockets, as /proc/net lists them.
    void list_sockets(bool tcp, SocketVisitor& visitor);
    // The ARP cache's entries, for the link of index `index`.
    void list_neighbours(int index, interfaces::NeighbourVisitor& visitor) const;

private:
    struct State;
    State* m_state;
};

} // namespace kernel::net
