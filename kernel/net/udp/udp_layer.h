// UDP (RFC 768) over IPv4 and IPv6 (RFC 8200 8): header and checksum checks, demultiplexing to
// sockets (a connected socket before one bound to our address before a wildcard; SO_REUSEPORT
// groups share unicast by the sender's hash; broadcasts and multicasts reach every match),
// ephemeral ports, bind conflicts across both families as Linux has them, and port
// unreachable (ICMP or ICMPv6) for datagrams nobody listens to.
#pragma once

#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "net/address.h"
#include "net/environment.h"
#include "net/icmp.h"
#include "net/icmpv6.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/socket_listing.h"
#include "net/stack.h"
#include "net/udp/datagram_socket.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

inline constexpr size_t udp_header_length = 8;
// The largest payload a datagram carries: IPv4's 65535-byte datagram less its 20-byte header
// and UDP's 8; IPv6's payload length does not count its fixed header (RFC 8200 3).
inline constexpr size_t udp_max_payload = 65507;
inline constexpr size_t udp6_max_payload = 65527;

// A kernel-internal receiver for one port (the DHCP client on 68), ahead of any socket.
class DatagramReceiver {
public:
    virtual ~DatagramReceiver() = default;
    virtual void receive_udp(Ipv4Endpoint from, const uint8_t* payload, size_t length) = 0;
};

class UdpLayer {
public:
    static constexpr uint16_t ephemeral_first = 49152;
    static constexpr uint16_t ephemeral_last = 65535;

    UdpLayer(Ipv4Layer& ip, IcmpLayer& icmp, Ipv6Layer& ip6, Icmpv6Layer& icmp6,
             const Environment& environment, StackStatistics& statistics);
    ~UdpLayer();
    UdpLayer(const UdpLayer&) = delete;
    UdpLayer& operator=(const UdpLayer&) = delete;

    // An AF_INET socket, or an AF_INET6 one with `ipv6`; nullptr when out of memory.
    UdpSocket* create_socket(bool ipv6 = false);

    void receive(const Ipv4Datagram& datagram);
    void receive6(const Ipv6Datagram& datagram);
    // `next_hop_mtu`: what "fragmentation needed" or "packet too big" said the path carries.
    void receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                            int error, size_t next_hop_mtu);

    void set_port_receiver(uint16_t port, DatagramReceiver* receiver);

    // Sends one datagram over the destination's family; a source address that is any() (of
    // either family) stands for ours. A datagram waiting for ARP or neighbour discovery counts
    // as sent, as it does on Linux. `options` says what becomes of one longer than the path,
    // as Linux's ip_dont_fragment and ip6_fragment decide: IP_MTU_DISCOVER (IPV6_MTU_DISCOVER)
    // DO or PROBE, or IPV6_DONTFRAG, refuse it with EMSGSIZE, the others send it in fragments;
    // over IPv4, DO, PROBE and WANT (the default) set DF on what goes whole.
    ErrorOr<void> send(const IpEndpoint& source, const IpEndpoint& destination, const void* data,
                       size_t length, const SocketOptions& options = {});

    // IP_MTU to `destination` (net/path_mtu.h).
    size_t path_mtu_for(const IpAddress& destination) const;

    // For DatagramSocket.
    ErrorOr<IpEndpoint> claim(DatagramSocket& socket, const IpEndpoint& local);
    void forget(DatagramSocket& socket);
    Ipv4Address local_address() const { return m_ip.local_address(); }

    // Every bound socket, as /proc/net/udp and udp6 list them.
    void list(SocketVisitor& visitor);

private:
    using SocketList = IntrusiveList<DatagramSocket, &DatagramSocket::layer_node>;

    // A datagram past its header and checksum checks, whichever its family.
    struct Arrival {
        IpEndpoint from;
        IpAddress destination;
        uint16_t port;
        const uint8_t* payload;
        size_t length;
        bool to_group; // broadcast or multicast: every match gets it, nobody answers
    };

    bool conflicts(const DatagramSocket& socket, const IpEndpoint& local) const;
    bool port_in_use(uint16_t port) const;
    int match_score(DatagramSocket& socket, const Arrival& arrival) const;
    // False when no socket matched (the caller answers port unreachable).
    bool deliver(const Arrival& arrival);
    ErrorOr<void> send6(const IpEndpoint& source, const IpEndpoint& destination, const void* data,
                        size_t length, const SocketOptions& options);

    Ipv4Layer& m_ip;
    IcmpLayer& m_icmp;
    Ipv6Layer& m_ip6;
    Icmpv6Layer& m_icmp6;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    mutable SocketList m_sockets;
    uint16_t m_port_receiver_port = 0;
    DatagramReceiver* m_port_receiver = nullptr;
};

} // namespace kernel::net
