// UDP (RFC 768): header and checksum checks, demultiplexing to sockets (a connected socket
// before one bound to our address before a wildcard; SO_REUSEPORT groups share unicast by the
// sender's hash; broadcasts reach every match), ephemeral ports, bind conflicts, and port
// unreachable for datagrams nobody listens to.
#pragma once

#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "net/address.h"
#include "net/environment.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/stack.h"
#include "net/udp/datagram_socket.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

inline constexpr size_t udp_header_length = 8;
inline constexpr size_t udp_max_payload = 65507;

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

    UdpLayer(Ipv4Layer& ip, IcmpLayer& icmp, const Environment& environment,
             StackStatistics& statistics);
    ~UdpLayer();
    UdpLayer(const UdpLayer&) = delete;
    UdpLayer& operator=(const UdpLayer&) = delete;

    UdpSocket* create_socket(); // nullptr when out of memory

    void receive(const Ipv4Datagram& datagram);
    void receive_icmp_error(Ipv4Address remote, const uint8_t* quoted, size_t length, int error);

    void set_port_receiver(uint16_t port, DatagramReceiver* receiver);

    // Sends one datagram; source address any() stands for ours. A datagram waiting for ARP
    // counts as sent, as it does on Linux.
    ErrorOr<void> send(Ipv4Endpoint source, Ipv4Endpoint destination, const void* data,
                       size_t length);

    // For DatagramSocket.
    ErrorOr<Ipv4Endpoint> claim(DatagramSocket& socket, Ipv4Endpoint local);
    void forget(DatagramSocket& socket);
    Ipv4Address local_address() const { return m_ip.local_address(); }

private:
    using SocketList = IntrusiveList<DatagramSocket, &DatagramSocket::layer_node>;

    bool conflicts(const DatagramSocket& socket, Ipv4Endpoint local) const;
    bool port_in_use(uint16_t port) const;
    int match_score(DatagramSocket& socket, const Ipv4Datagram& datagram, Ipv4Endpoint from,
                    uint16_t port) const;

    Ipv4Layer& m_ip;
    IcmpLayer& m_icmp;
    const Environment& m_environment;
    StackStatistics& m_statistics;
    mutable SocketList m_sockets;
    uint16_t m_port_receiver_port = 0;
    DatagramReceiver* m_port_receiver = nullptr;
};

} // namespace kernel::net
