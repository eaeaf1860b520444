#include "net/tcp/tcp_connection.h"

#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_table.h"
#include "net/wildcard_destination.h"

namespace kernel::net::tcp {

namespace {

// Writable once this much of the send buffer is free, so that writers wake for real work.
constexpr uint32_t send_low_water = 4096;
constexpr int maximum_backlog = 4096;

} // namespace

TcpConnection::TcpConnection(TcpTable& table, bool ipv6)
    : m_table(table), m_ipv6(ipv6),
      m_local(ipv6 ? IpEndpoint(Ipv6Address::any(), 0) : IpEndpoint(Ipv4Address::any(), 0)) {}

TcpConnection::~TcpConnection() {
    TcpTable::unindex(*this);
}

void TcpConnection::notify() {
    if (m_readiness.has_observers())
        m_readiness.notify(poll_events());
}

uint32_t TcpConnection::send_space() const {
    size_t queued = m_send_queue.size();
    return queued >= m_options.send_buffer ? 0
                                           : static_cast<uint32_t>(m_options.send_buffer - queued);
}

uint32_t TcpConnection::poll_events() const {
    uint32_t events = 0;
    if (m_state == TcpState::listen)
        return m_accept_queue.is_empty() ? 0 : poll_event::in | poll_event::read_normal;
    if (m_error)
        events |= poll_event::error;
    if (!m_receive_queue.is_empty() || m_fin_received || m_reset || m_read_shutdown)
        events |= poll_event::in | poll_event::read_normal;
    if (m_fin_received || m_read_shutdown || m_reset)
        events |= poll_event::read_hang_up;
    bool can_send = m_state == TcpState::established || m_state == TcpState::close_wait ||
                    (m_state == TcpState::syn_received && m_fastopen);
    if (can_send && !m_write_shutdown &&
        send_space() >= min<uint32_t>(send_low_water, m_options.send_buffer / 2))
        events |= poll_event::out | poll_event::write_normal;
    if (m_state == TcpState::closed) {
        // As Linux: a socket that is not (or no longer) connected polls as hung up and
        // writable, so a writer learns of it by the error its write returns.
        events |= poll_event::hang_up | poll_event::out | poll_event::write_normal;
        // A connection that ended: a reader wakes to learn how (EOF or the error).
        if (m_ever_connected)
            events |= poll_event::in | poll_event::read_normal | poll_event::read_hang_up;
    } else if (m_fin_received && m_write_shutdown) {
        events |= poll_event::hang_up;
    }
    return events;
}

// An AF_INET socket takes IPv4 addresses alone; an AF_INET6 one both, IPv4 as ::ffff:a.b.c.d
// unless IPV6_V6ONLY refuses them (EINVAL, as Linux's inet6_bind).
ErrorOr<void> TcpConnection::bind(const IpEndpoint& local) {
    if (!local.address.is_v4() && !m_ipv6)
        return EAFNOSUPPORT;
    if (local.address.is_v4() && m_ipv6 && m_options.v6_only)
        return EINVAL;
    if (m_bound || m_state != TcpState::closed)
        return EINVAL;
    uint16_t port = TRY(m_table.choose_port(*this, local));
    m_local = {local.address, port};
    m_bound = true;
    m_address_fixed = !local.address.is_any();
    m_port_fixed = local.port != 0;
    m_table.index(*this);
    return {};
}

ErrorOr<void> TcpConnection::connect(const IpEndpoint& requested) {
    switch (m_state) {
    case TcpState::syn_sent:
    case TcpState::syn_received:
        return EALREADY;
    case TcpState::listen:
        return EINVAL;
    case TcpState::closed:
        break;
    default:
        return EISCONN;
    }
    if (m_ever_connected) {
        if (m_error)
            return static_cast<Errno>(take_error());
        return ECONNABORTED;
    }
    // The wildcard means this host.
    IpEndpoint remote{wildcard_destination(requested.address, m_local.address), requested.port};
    // The family is the protocol's to check, once the socket's state allows a connect at all
    // (inet_stream_connect before tcp_v6_connect).
    if (!remote.address.is_v4() && !m_ipv6)
        return EAFNOSUPPORT;
    // A mapped address on an IPV6_V6ONLY socket, or a family other than the one the socket is
    // bound to, has no route (tcp_v6_connect's ENETUNREACH).
    bool bound_elsewhere =
        m_bound && !m_local.address.is_any() && m_local.address.is_v4() != remote.address.is_v4();
    if ((remote.address.is_v4() && m_ipv6 && m_options.v6_only) || bound_elsewhere)
        return ENETUNREACH;
    if (remote.port == 0 || remote.address.is_multicast() ||
        remote.address == Ipv4Address::limited_broadcast())
        return remote.port == 0 ? ECONNREFUSED : ENETUNREACH;
    IpAddress local_address = m_local.address;
    if (local_address.is_any())
        local_address = m_table.source_for(remote.address);
    if (local_address.is_any())
        return ENETUNREACH; // no address of its family yet (DHCP or DAD has not finished)
    if (!m_bound) {
        uint16_t port = TRY(m_table.choose_connect_port(*this, local_address));
        m_local.port = port;
        m_bound = true;
    }
    m_local.address = local_address;
    m_remote = remote;
    m_ever_connected = true;
    m_iss = m_table.random32();
    m_ts_offset = m_table.random32();
    m_snd_una = m_iss;
    m_snd_nxt = m_iss;
    m_snd_max = m_iss;
    m_state = TcpState::syn_sent;
    m_table.index(*this);
    send_syn();
    return EINPROGRESS;
}

ErrorOr<void> TcpConnection::shutdown(bool read, bool write) {
    if (m_state == TcpState::closed || m_state == TcpState::listen || m_state == TcpState::syn_sent)
        return ENOTCONN;
    if (read)
        m_read_shutdown = true;
    if (write && !m_write_shutdown) {
        queue_fin();
        output();
    }
    notify();
    return {};
}

ErrorOr<IpEndpoint> TcpConnection::remote_endpoint() const {
    if (m_state == TcpState::closed || m_state == TcpState::listen || m_state == TcpState::syn_sent)
        return ENOTCONN;
    return m_remote;
}

// Linux answers from the route the connection holds from connect on (ip_route_connect).
ErrorOr<size_t> TcpConnection::path_mtu() const {
    if (m_state == TcpState::closed || m_state == TcpState::listen)
        return ENOTCONN;
    size_t mtu = m_table.path_mtu_for(m_remote.address);
    return m_path_mtu ? min(mtu, m_path_mtu) : mtu;
}

int TcpConnection::take_error() {
    int error = m_error;
    m_error = 0;
    return error;
}

void TcpConnection::options_changed() {
    arm_keep_alive();
    // TCP_CONGESTION on a live connection; before the handshake ends, take_options starts
    // the chosen algorithm.
    if (is_synchronized(m_state) && m_congestion.algorithm() != m_options.congestion)
        m_congestion.set_algorithm(m_options.congestion);
    // TCP_NODELAY set: what Nagle held back may go now. A larger receive buffer may open the
    // window the peer is waiting on.
    if (is_synchronized(m_state)) {
        output();
        if (window_update_due())
            send_ack();
    }
    notify();
}

bool TcpConnection::has_undelivered_output() const {
    switch (m_state) {
    case TcpState::fin_wait_1:
    case TcpState::closing:
    case TcpState::last_ack:
        return true;
    case TcpState::established:
    case TcpState::close_wait:
        return m_send_queue.size() != 0;
    // A Fast Open child the program answered (and maybe closed) before the peer acknowledged
    // our SYN: its answer goes out with the handshake's end.
    case TcpState::syn_received:
        return m_send_queue.size() != 0 || m_fin_queued;
    default:
        return false;
    }
}

void TcpConnection::queue_fin() {
    m_write_shutdown = true;
    m_fin_queued = true;
    m_fin_sequence = m_snd_una + static_cast<uint32_t>(m_send_queue.size());
    // In SYN-RECEIVED (a Fast Open child, which the program holds before the handshake ends)
    // the FIN waits with the data for the ACK of our SYN, which then moves to FIN-WAIT-1
    // (RFC 9293 3.10.4: CLOSE "queued for processing after entering ESTABLISHED state").
    if (m_state == TcpState::established)
        m_state = TcpState::fin_wait_1;
    else if (m_state == TcpState::close_wait)
        m_state = TcpState::last_ack;
}

void TcpConnection::move_to_closed() {
    m_state = TcpState::closed;
    TcpTable::unindex(*this);
    m_table.note_closed(*this);
    m_retransmit_at = m_delayed_ack_at = m_persist_at = m_keep_alive_at = m_linger_at = 0;
    m_reorder_at = m_probe_at = m_cork_at = 0;
    m_send_queue.clear();
    m_scoreboard.clear();
    m_out_of_order.clear();
    m_write_shutdown = true;
    if (m_listener)
        m_listener->child_closed(*this);
}

void TcpConnection::abort(int error, bool send_reset_segment) {
    if (send_reset_segment && is_synchronized(m_state))
        send_reset();
    if (error) {
        m_error = error;
        m_reset = error == ECONNRESET;
    }
    move_to_closed();
    notify();
}

void TcpConnection::detach_children() {
    while (TcpConnection* child = m_syn_queue.first())
        child->abort(0, true);
    while (TcpConnection* child = m_accept_queue.first())
        child->abort(0, true);
}

void TcpConnection::close() {
    m_program_owns = false;
    bool unread = !m_receive_queue.is_empty() || !m_out_of_order.is_empty();
    if (unread && is_synchronized(m_state) && m_state != TcpState::time_wait) {
        // RFC 2525 2.17: data the program never read is lost; the peer must know.
        m_receive_queue.clear();
        abort(0, true);
    }
    if (m_options.linger && m_options.linger_seconds == 0 && m_state != TcpState::listen &&
        m_state != TcpState::closed) {
        // SO_LINGER with a zero timeout (socket(7)): what is queued is discarded and the
        // connection ends at once, reset where the peer still holds it open, and without
        // TIME_WAIT (Linux's tcp_disconnect).
        bool peer_open = m_state == TcpState::established || m_state == TcpState::close_wait ||
                         m_state == TcpState::fin_wait_1 || m_state == TcpState::fin_wait_2 ||
                         m_state == TcpState::syn_received;
        abort(0, peer_open);
    }
    switch (m_state) {
    case TcpState::listen:
        detach_children();
        move_to_closed();
        break;
    case TcpState::syn_sent:
        move_to_closed();
        break;
    case TcpState::closed:
    case TcpState::time_wait:
    case TcpState::fin_wait_2:
    case TcpState::closing:
    case TcpState::last_ack:
        break;
    default:
        if (!m_write_shutdown)
            queue_fin();
        output();
        break;
    }
    m_receive_queue.clear();
    if (m_state == TcpState::fin_wait_2 && !m_linger_at)
        m_linger_at = m_table.now_ns() + tcp_timing::fin_wait_2;
    m_table.touch(*this);
    if (is_finished())
        m_table.destroy(*this);
}

ErrorOr<TcpSocket*> TcpConnection::disconnect() {
    TcpConnection* fresh = m_table.create_connection(m_ipv6);
    if (!fresh)
        return ENOMEM;
    fresh->m_options = m_options;
    fresh->options_changed();
    fresh->m_address_fixed = m_address_fixed;
    fresh->m_port_fixed = m_port_fixed;
    // tcp_disconnect reports the reset it sent, or the handshake it cut short; a listener's
    // queued clients get resets, the listener no error.
    bool cut = m_state != TcpState::listen && m_state != TcpState::closed;
    IpEndpoint kept{m_address_fixed ? m_local.address : fresh->m_local.address,
                    m_port_fixed ? m_local.port : uint16_t(0)};
    m_readiness.move_observers_to(fresh->m_readiness);
    TcpTable& table = m_table;
    // A close with a zero linger ends it at once, with a reset where the peer holds it open,
    // and takes it out of the table; `this` may be gone after it.
    m_options.linger = true;
    m_options.linger_seconds = 0;
    close();
    if (kept.port) {
        // The port passes to the new socket as Linux's stays bound: no conflict is looked for.
        fresh->m_local = kept;
        fresh->m_bound = true;
        table.index(*fresh);
    } else if (fresh->m_address_fixed) {
        (void)fresh->bind(kept); // an ephemeral port, as a connect would have taken
    }
    if (cut)
        fresh->m_error = ECONNRESET;
    fresh->notify();
    return static_cast<TcpSocket*>(fresh);
}

ErrorOr<void> TcpConnection::listen(int backlog) {
    if (m_state != TcpState::closed && m_state != TcpState::listen)
        return EINVAL;
    if (m_ever_connected)
        return EINVAL;
    if (!m_bound)
        TRY(bind({m_local.address, 0})); // the wildcard of its family
    m_backlog = static_cast<uint16_t>(max(1, min(backlog, maximum_backlog)));
    m_state = TcpState::listen;
    m_table.index(*this);
    return {};
}

ErrorOr<TcpSocket*> TcpConnection::accept() {
    if (m_state != TcpState::listen)
        return EINVAL;
    TcpConnection* child = m_accept_queue.take_first();
    if (!child)
        return EAGAIN;
    --m_accept_queue_length;
    child->m_awaiting_accept = false;
    child->m_listener = nullptr;
    child->m_program_owns = true;
    return static_cast<TcpSocket*>(child);
}

ErrorOr<size_t> TcpConnection::send(const void* data, size_t length, bool more) {
    if (m_error && m_state == TcpState::closed)
        return static_cast<Errno>(take_error());
    if (m_write_shutdown && m_ever_connected)
        return EPIPE;
    switch (m_state) {
    case TcpState::established:
    case TcpState::close_wait:
        break;
    case TcpState::syn_received:
        if (m_fastopen)
            break;
        return EAGAIN;
    case TcpState::syn_sent:
        return EAGAIN;
    default:
        return EPIPE; // never connected, or listening: sk_stream_wait_connect's answer
    }
    m_more = more;
    if (length == 0) {
        output(); // a send without MSG_MORE lets a held partial segment go
        return size_t(0);
    }
    size_t accepted = m_send_queue.append(data, min<size_t>(length, send_space()));
    if (accepted == 0)
        return send_space() == 0 ? EAGAIN : ENOMEM;
    output();
    return accepted;
}

ErrorOr<size_t> TcpConnection::receive(void* data, size_t length, bool peek) {
    if (!m_receive_queue.is_empty()) {
        size_t copied = m_receive_queue.copy_out(0, data, length);
        if (!peek) {
            m_receive_queue.consume(copied);
            if (is_synchronized(m_state) && window_update_due())
                send_ack();
        }
        return copied;
    }
    if (m_fin_received || m_read_shutdown)
        return size_t(0);
    if (m_reset) {
        m_error = 0;
        return ECONNRESET;
    }
    if (m_error)
        return static_cast<Errno>(take_error());
    if (m_state == TcpState::closed || m_state == TcpState::listen)
        return ENOTCONN;
    return EAGAIN;
}

void TcpConnection::icmp_error(uint32_t sequence, int error, size_t next_hop_mtu) {
    if (m_state == TcpState::closed || m_state == TcpState::listen)
        return;
    // Only an error quoting a sequence we sent and the peer has not acknowledged is believed
    // (RFC 5927 4.1), against blind and stale errors alike; Linux counts the rest.
    if (!sequence_in_range(sequence, m_snd_una, m_snd_max + 1)) {
        ++m_table.statistics().icmp_out_of_window;
        return;
    }
    // "Fragmentation needed" is path-MTU discovery's signal, never a reason to give up.
    if (error == EMSGSIZE) {
        lower_path_mtu(next_hop_mtu);
        return;
    }
    // Only a handshake in progress gives up on an ICMP error (RFC 1122 4.2.3.9: the others
    // are soft).
    if (m_state == TcpState::syn_sent)
        abort(error, false);
}

bool TcpConnection::is_finished() const {
    return m_state == TcpState::closed && is_orphan();
}

} // namespace kernel::net::tcp
