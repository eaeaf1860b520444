// Sockets as the Linux socket syscalls see them (kernel/linux/socket_syscalls.cpp): TCP over
// IPv4, UDP over IPv4 and IPv6, implemented by the stack (net/tcp, net/udp). Endpoints are
// IpEndpoint: an IPv4 one is what an AF_INET6 socket shows as ::ffff:a.b.c.d. All calls are
// non-blocking: a call that would wait returns EAGAIN (or EINPROGRESS for connect), and the caller
// waits on readiness() for the events it needs, as a blocking file descriptor does.
//
// Buffers passed in are kernel-reachable pointers the caller has already checked (the
// program's memory, validated against its address space).
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/linux_tcp_info.h"
#include "net/tcp/congestion_control.h"
#include "sched/readiness.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// IP_MTU_DISCOVER's and IPV6_MTU_DISCOVER's values (ip(7), ipv6(7)): whether a datagram is sent
// with DF (IPv4) or refused when longer than the path (both), instead of cut into fragments.
enum class MtuDiscovery : uint8_t {
    dont = 0,      // IP_PMTUDISC_DONT: never DF; fragment what is too long
    want = 1,      // IP_PMTUDISC_WANT (Linux's default): DF when it fits, else fragments
    do_ = 2,       // IP_PMTUDISC_DO: always DF; EMSGSIZE for what does not fit the path
    probe = 3,     // IP_PMTUDISC_PROBE: DF, against the interface's MTU, not the path's
    interface = 4, // IP_PMTUDISC_INTERFACE: the interface's MTU, no DF
    omit = 5,      // IP_PMTUDISC_OMIT: as INTERFACE
};
inline constexpr uint8_t mtu_discovery_limit = 5;

struct SocketOptions {
    bool reuse_address = false;           // SO_REUSEADDR
    bool reuse_port = false;              // SO_REUSEPORT
    bool keep_alive = false;              // SO_KEEPALIVE
    bool no_delay = false;                // TCP_NODELAY (TCP only)
    bool cork = false;                    // TCP_CORK: partial segments wait (at most 200 ms)
    uint32_t receive_buffer = 128 * 1024; // SO_RCVBUF, bytes the stack may hold unread
    uint32_t send_buffer = 128 * 1024;    // SO_SNDBUF, bytes the stack may hold unsent/unacked
    bool linger = false;                  // SO_LINGER's l_onoff
    uint32_t linger_seconds = 0;          // and its l_linger
    uint32_t keep_idle_seconds = 7200;    // TCP_KEEPIDLE: quiet this long before the first probe
    uint32_t keep_interval_seconds = 75;  // TCP_KEEPINTVL: between probes
    uint32_t keep_count = 9;              // TCP_KEEPCNT: probes unanswered before giving up
    uint32_t user_timeout_ms = 0; // TCP_USER_TIMEOUT: unacknowledged this long, give up (0: off)
    // TCP_FASTOPEN (a listener): at most this many Fast Open children whose handshake has not
    // finished (0: Fast Open off), as Linux's fastopen queue.
    uint32_t fastopen_queue = 0;
    // TCP_CONGESTION (TCP only)
    tcp::CongestionAlgorithm congestion = tcp::default_congestion_algorithm;
    // IPV6_V6ONLY (AF_INET6 only): IPv6 alone, not IPv4 through mapped addresses. Off by
    // default, as Linux's net.ipv6.bindv6only=0.
    bool v6_only = false;
    // IPV6_DONTFRAG (AF_INET6 UDP): a datagram longer than the path is EMSGSIZE rather than
    // fragmented (RFC 3542 11.2).
    bool v6_dont_fragment = false;
    // IPV6_MTU as set (AF_INET6 UDP): IPv6 datagrams go in fragments of at most this many
    // bytes, and with IPV6_DONTFRAG are refused beyond it; 0: the path's MTU alone.
    uint32_t v6_largest_fragment = 0;
    // IP_MTU_DISCOVER and IPV6_MTU_DISCOVER (UDP: TCP always sends with DF).
    MtuDiscovery mtu_discovery = MtuDiscovery::want;
    MtuDiscovery v6_mtu_discovery = MtuDiscovery::want;
};

class Socket {
public:
    virtual ~Socket() = default;

    // poll_event:: bits that hold now.
    virtual uint32_t poll_events() const = 0;
    // Notified (with poll_events()) whenever they may have changed.
    Readiness& readiness() { return m_readiness; }

    // Port 0 picks an ephemeral port. EADDRINUSE, EADDRNOTAVAIL (an address not ours), EINVAL
    // when already bound; EAFNOSUPPORT for an IPv6 address the socket cannot use.
    virtual ErrorOr<void> bind(const IpEndpoint& local) = 0;
    // TCP: starts the handshake and returns EINPROGRESS; later calls give EALREADY while it
    // runs, EISCONN once connected, or the error that ended it. UDP: sets the default peer.
    virtual ErrorOr<void> connect(const IpEndpoint& remote) = 0;
    virtual ErrorOr<void> shutdown(bool read, bool write) = 0; // ENOTCONN when not connected
    virtual IpEndpoint local_endpoint() const = 0;
    virtual ErrorOr<IpEndpoint> remote_endpoint() const = 0; // ENOTCONN
    // IP_MTU and IPV6_MTU: the largest IP packet the path to the peer is known to carry (the
    // interface's MTU, lowered by what ICMP reported of the path); ENOTCONN without a peer.
    virtual ErrorOr<size_t> path_mtu() const = 0;
    // SO_ERROR: the pending error (0 when none), cleared by reading it.
    virtual int take_error() = 0;
    // FIONREAD: bytes ready to read (UDP: the size of the next datagram).
    virtual size_t readable_bytes() const = 0;

    SocketOptions& options() { return m_options; }
    const SocketOptions& options() const { return m_options; }
    // After setsockopt changed options(): the socket applies them (window, Nagle, timers).
    virtual void options_changed() {}

    // The program's last descriptor is gone. TCP closes gracefully in the background (or
    // resets when unread data remains) and the stack frees the socket when done; the caller
    // must not touch the socket afterwards, and must have unsubscribed its observers.
    virtual void close() = 0;

    // The inode number of the socket file that holds it (fs/socket_identity.h), as /proc/net's
    // lists show it; 0 while none does.
    uint64_t file_inode() const { return m_file_inode; }
    void set_file_inode(uint64_t inode) { m_file_inode = inode; }

protected:
    Readiness m_readiness;
    SocketOptions m_options;
    uint64_t m_file_inode = 0;
};

class TcpSocket : public Socket {
public:
    // EINVAL when connected; binds an ephemeral port when unbound. `backlog` is clamped to
    // [1, 4096] as somaxconn would.
    virtual ErrorOr<void> listen(int backlog) = 0;
    // A connection that finished its handshake, now owned by the caller (who must close() it);
    // EAGAIN when none waits, EINVAL when not listening.
    virtual ErrorOr<TcpSocket*> accept() = 0;
    // connect(AF_UNSPEC), as Linux's tcp_disconnect: the connection or listener ends at once
    // (a reset where the peer holds the connection open, to queued clients too) and a new
    // socket takes this one's place: unconnected, with its options and observers, bound where
    // the program's bind() fixed an address or port, and holding ECONNRESET as its pending
    // error when a connection or handshake was cut. This one is closed and must not be used
    // again. ENOMEM leaves this one as it was.
    virtual ErrorOr<TcpSocket*> disconnect() = 0;
    // Bytes accepted into the send buffer; EAGAIN when it is full, EPIPE after shutdown(write)
    // or the peer's reset and, as on Linux, before connecting. `more` (MSG_MORE): more follows, so
    // a partial segment waits as under TCP_CORK, until a send without it.
    virtual ErrorOr<size_t> send(const void* data, size_t length, bool more = false) = 0;
    // Bytes copied out; 0 at the peer's FIN; EAGAIN when nothing is buffered; ECONNRESET after
    // a reset. `peek` leaves the data in place.
    virtual ErrorOr<size_t> receive(void* data, size_t length, bool peek) = 0;
    // Data or a FIN the peer has not acknowledged yet: what a lingering close waits for.
    virtual bool has_undelivered_output() const = 0;
    // TCP_INFO: the connection's state, as Linux's tcp_get_info fills it.
    virtual void get_info(LinuxTcpInfo& info) const = 0;
};

struct ReceivedDatagram {
    size_t copied;      // bytes written to the caller's buffer
    size_t full_length; // the datagram's length (MSG_TRUNC when larger than copied)
    IpEndpoint from;
};

class UdpSocket : public Socket {
public:
    // To `destination`, or to the connected peer when null (EDESTADDRREQ when none).
    // EMSGSIZE above 65507 bytes. Binds an ephemeral port when unbound.
    virtual ErrorOr<size_t> send_to(const void* data, size_t length,
                                    const IpEndpoint* destination) = 0;
    // The next datagram; EAGAIN when none waits.
    virtual ErrorOr<ReceivedDatagram> receive_from(void* data, size_t length, bool peek) = 0;
};

} // namespace kernel::net
