// A UDP socket: its binding and default peer, and a queue of received datagrams bounded by
// SO_RCVBUF. Each datagram's payload is copied once, from the frame into the queue.
//
// An AF_INET6 socket is dual stack as on Linux: bound to :: it also takes IPv4, whose peers it
// sees as IPv4-mapped addresses, and a mapped destination goes out over IPv4, unless
// IPV6_V6ONLY (SocketOptions::v6_only) keeps it to IPv6.
#pragma once

#include "lib/intrusive_list.h"
#include "net/packet_buffer.h"
#include "net/socket.h"

namespace kernel::net {

class UdpLayer;

class DatagramSocket final : public UdpSocket {
public:
    DatagramSocket(UdpLayer& layer, bool ipv6)
        : m_layer(&layer), m_ipv6(ipv6), m_local(wildcard()) {}

    // Socket
    uint32_t poll_events() const override;
    ErrorOr<void> bind(const IpEndpoint& local) override;
    ErrorOr<void> connect(const IpEndpoint& remote) override;
    ErrorOr<void> shutdown(bool read, bool write) override;
    IpEndpoint local_endpoint() const override { return m_local; }
    ErrorOr<IpEndpoint> remote_endpoint() const override;
    ErrorOr<size_t> path_mtu() const override;
    int take_error() override;
    size_t readable_bytes() const override;
    void close() override;

    // UdpSocket
    ErrorOr<size_t> send_to(const void* data, size_t length,
                            const IpEndpoint* destination) override;
    ErrorOr<ReceivedDatagram> receive_from(void* data, size_t length, bool peek) override;

    // For the UDP layer.
    bool is_bound() const { return m_bound; }
    bool is_connected() const { return m_connected; }
    bool is_ipv6() const { return m_ipv6; }
    IpEndpoint remote() const { return m_remote; }
    // Whether datagrams of that family may reach the socket: IPv4 ones an AF_INET socket, or
    // an AF_INET6 one bound to :: or a mapped address without IPV6_V6ONLY; IPv6 ones only an
    // AF_INET6 socket not bound to a mapped address.
    bool takes(bool ipv4) const;
    // Queues a received datagram unless the receive buffer is full; false when dropped.
    bool deliver(const IpEndpoint& from, const uint8_t* payload, size_t length);
    void report_error(int error);
    void detach() { m_layer = nullptr; }

    ListNode layer_node;

private:
    void notify() { m_readiness.notify(poll_events()); }
    // The any address of the socket's family: 0.0.0.0 or ::.
    IpEndpoint wildcard() const {
        return m_ipv6 ? IpEndpoint{Ipv6Address::any(), 0} : IpEndpoint{Ipv4Address::any(), 0};
    }
    // An ephemeral port, at the address bind() named (or the wildcard), unless bound already:
    // what connect and a first send do.
    ErrorOr<void> bind_automatically();
    // EAFNOSUPPORT for an IPv6 address on an AF_INET socket; `v6_only_error` for a mapped one
    // on an IPV6_V6ONLY socket (bind says EINVAL, connect and sendto ENETUNREACH, as Linux).
    ErrorOr<void> check_family(const IpAddress& address, Errno v6_only_error) const;

    UdpLayer* m_layer;
    bool m_ipv6;
    IpEndpoint m_local;
    IpEndpoint m_remote;
    bool m_bound = false;
    // What the program named in bind() (Linux's SOCK_BINDPORT_LOCK and SOCK_BINDADDR_LOCK),
    // which connect(AF_UNSPEC) keeps.
    bool m_port_chosen = false;
    bool m_address_chosen = false;
    bool m_connected = false;
    bool m_read_shut = false;
    bool m_write_shut = false;
    int m_error = 0;
    PacketQueue m_queue;
};

} // namespace kernel::net
