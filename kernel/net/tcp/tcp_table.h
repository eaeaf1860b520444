// What TcpLayer is made of: every connection and listener, the demultiplexing of incoming
// segments to them, port allocation, and the one place segments leave, through IpOutput or
// Ip6Output by the family of their addresses.
#pragma once

#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "lib/timer_wheel.h"
#include "net/environment.h"
#include "net/ip6_output.h"
#include "net/ip_output.h"
#include "net/tcp/syn_cookie.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_header.h"
#include "net/tcp/tcp_layer.h"
#include "net/tcp/tcp_port_table.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class TcpTable {
public:
    TcpTable(IpOutput& ip, Ip6Output& ip6, const Environment& environment);
    ~TcpTable();
    TcpTable(const TcpTable&) = delete;
    TcpTable& operator=(const TcpTable&) = delete;

    // `ipv6`: an AF_INET6 socket's (TcpConnection's constructor).
    TcpConnection* create_connection(bool ipv6);
    // Files a bound socket under its port, and makes a connection findable by its 4-tuple or
    // a listener by its port.
    void index(TcpConnection& connection);
    static void unindex(TcpConnection& connection);
    // A connection reached CLOSED: the next reap sees whether it can be freed.
    void note_closed(TcpConnection& connection);
    // Files a connection by its earliest deadline, after any of them changed: the timer pass
    // then visits only connections that are due. A deadline filed late would fire late, so
    // every place that arms a timer calls this; one filed early only costs a visit.
    void touch(TcpConnection& connection);
    // Frees a connection the program no longer owns and the protocol is done with.
    void destroy(TcpConnection& connection);

    void receive(const IpAddress& source, const IpAddress& destination, const uint8_t* data,
                 size_t length, bool checksum_verified);
    void receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                            int error, size_t next_hop_mtu);
    void run_timers();
    uint64_t next_deadline_ns() const;
    bool has_undelivered_output() const;

    // The port `local` may bind (an ephemeral one for port 0), or EADDRINUSE/EADDRNOTAVAIL.
    ErrorOr<uint16_t> choose_port(const TcpConnection& binder, const IpEndpoint& local);
    // An ephemeral port for `binder`'s connection from `local`.
    ErrorOr<uint16_t> choose_connect_port(const TcpConnection& binder, const IpAddress& local);

    // Our address for a connection to `remote` (any() when we have none of its family that
    // reaches it yet), and what the path there carries.
    IpAddress source_for(const IpAddress& remote) const;
    // Locked only over IPv4 (IpOutput::path_to).
    PathMtu path_to(const IpAddress& remote) const;
    size_t mtu_for(const IpAddress& remote) const { return path_to(remote).mtu; }
    // What a connection learned of the path to `remote` (ip_output.h).
    void learn_path_mtu(Ipv4Address remote, size_t mtu) { m_ip.learn_path_mtu(remote, mtu); }
    // IP_MTU to `remote` (net/path_mtu.h): unlike mtu_for, loopback's own for this host.
    size_t path_mtu_for(const IpAddress& remote) const;
    // What precedes a TCP header to `remote`: IPv4's 20 bytes (we send no options) or IPv6's 40.
    static size_t ip_header_length_for(const IpAddress& remote);
    // The payload of a segment without options filling the link's MTU: the MSS we announce,
    // which a smaller path never lowers (RFC 1191 3.1); what we send follows mtu_for().
    uint16_t mss_for(const IpAddress& remote) const;
    // The longest datagram a segment to `remote` may fill for the device to cut (TSO); no more
    // than mtu_for(remote) when it cannot.
    size_t segmentation_limit_for(const IpAddress& remote) const;
    // Whether the device cuts TCP segments for `remote`'s family (TSO): what it takes is then
    // longer than the link's MTU, whatever the path's.
    bool device_segments_for(const IpAddress& remote) const;

    // Sends one segment; `payload` pieces follow the header. Counts it. With `segment_size`
    // below the payload, the device cuts it into segments of that size (TSO, which only a
    // payload within IpOutput::tcp_segmentation_limit() may ask for). `dont_fragment` sets DF
    // for path-MTU discovery over IPv4 (RFC 1191; IPv6 routers never fragment).
    void transmit(const IpAddress& source, const IpAddress& destination, const TcpHeader& header,
                  const TransmitFragment* payload, size_t pieces, size_t payload_length,
                  size_t segment_size, bool dont_fragment);
    // The reset answering `segment` for which no connection exists (RFC 9293 3.10.7.1).
    void send_reset_for(const IpAddress& source, const IpAddress& destination,
                        const TcpSegment& segment);

    // RFC 5961 7: challenge ACKs are limited per second for the whole layer, so that blind
    // RSTs or SYNs cannot turn the stack into an ACK amplifier.
    bool allow_challenge_ack();
    static constexpr uint32_t challenge_acks_per_second = 100;

    uint64_t now_ns() const { return m_environment.now_ns(); }
    uint32_t random32() const;
    TcpStatistics& statistics() { return m_statistics; }
    // The SYN cookie secret is drawn the first time a listener's SYN queue overflows.
    const SynCookies& syn_cookies();

    // Every listener and every connection from its first SYN to the end of TIME-WAIT, as
    // /proc/net/tcp and tcp6 list them: bound sockets that neither listen nor connect are not.
    void list(SocketVisitor& visitor);

    // For the tests: how many buckets the 4-tuple hash has grown to.
    size_t connection_bucket_count() const { return m_bucket_count; }

private:
    using LookupList = IntrusiveList<TcpConnection, &TcpConnection::lookup_node>;
    TcpConnection* find(const IpAddress& source, const IpAddress& destination,
                        const TcpSegment& segment);
    TcpConnection* find_listener(const IpAddress& source, const IpAddress& destination,
                                 const TcpHeader& header);
    bool port_free(const TcpConnection& binder, const IpAddress& address, uint16_t port);
    void reap();
    uint32_t hash(const IpAddress& remote, uint16_t remote_port, uint16_t local_port) const;
    LookupList& bucket(uint16_t local_port, const IpEndpoint& remote);
    LookupList& listener_bucket(uint16_t port) { return m_listeners[port % listener_bucket_count]; }
    void grow_buckets();

    IpOutput& m_ip;
    Ip6Output& m_ip6;
    Environment m_environment;
    TcpStatistics m_statistics;
    SynCookies m_syn_cookies;
    IntrusiveList<TcpConnection, &TcpConnection::table_node> m_connections;
    // Connections by 4-tuple, so a segment finds its connection without walking them all;
    // the hash is keyed by a random secret so that peers cannot aim at one bucket, and the
    // table doubles when connections outnumber buckets. The local address is left out of
    // the key so that an ICMP error, which names only the remote side and the ports, finds
    // its connection the same way.
    static constexpr size_t initial_bucket_count = 256;
    LookupList* m_buckets = nullptr;
    size_t m_bucket_count = 0;
    size_t m_connection_count = 0;
    static constexpr size_t listener_bucket_count = 64;
    LookupList m_listeners[listener_bucket_count];
    TcpPortTable m_ports;
    // CLOSED connections, to be freed at the next reap if nothing holds them.
    LookupList m_closed;
    TimerWheel m_timers;
    uint32_t m_hash_key = 0;
    uint64_t m_challenge_window_start = 0;
    uint32_t m_challenge_acks = 0;
};

} // namespace kernel::net::tcp
