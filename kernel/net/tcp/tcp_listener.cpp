// A listening socket: SYNs become half-open children in its SYN queue, finished handshakes
// wait in its accept queue. Both are bounded by the backlog. A SYN that finds the SYN queue
// full is answered with a SYN cookie and leaves no state (RFC 4987 3.6, syn_cookie.h), so a
// SYN flood costs a bounded amount while real clients still get through; one that finds the
// accept queue full is dropped and counted, as Linux does, since the program is behind.
// With TCP_FASTOPEN a SYN may bring a cookie and data (RFC 7413): the data is taken at once
// and the child goes straight to the accept queue, able to answer before the handshake ends.
#include "lib/string.h"
#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/syn_cookie.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

namespace {

SynCookieFlow flow_of(const IpAddress& source, const IpAddress& destination,
                      const TcpHeader& header) {
    return {destination, source, header.destination_port, header.source_port};
}

} // namespace

void TcpConnection::listener_input(const IpAddress& source, const IpAddress& destination,
                                   const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    if (header.has(tcp_flag::rst))
        return;
    if (header.has(tcp_flag::ack)) {
        if (header.has(tcp_flag::syn) || !accept_cookie(source, destination, segment))
            m_table.send_reset_for(source, destination, segment);
        return;
    }
    if (header.has(tcp_flag::syn))
        accept_syn(source, destination, segment);
}

void TcpConnection::accept_syn(const IpAddress& source, const IpAddress& destination,
                               const TcpSegment& segment) {
    if (m_accept_queue_length >= m_backlog) {
        ++m_table.statistics().syn_dropped_backlog_full;
        return;
    }
    if (m_syn_queue_length >= m_backlog) {
        send_syn_cookie(source, destination, segment);
        return;
    }
    const TcpHeader& header = segment.header;
    TcpConnection* child = create_child(source, destination, header);
    if (!child)
        return;
    child->m_irs = header.sequence;
    child->m_rcv_nxt = header.sequence + 1;
    child->m_rcv_adv = child->m_rcv_nxt;
    child->m_iss = m_table.random32();
    child->m_ts_offset = m_table.random32();
    child->m_snd_una = child->m_iss;
    child->m_snd_nxt = child->m_iss;
    child->m_snd_max = child->m_iss;
    child->m_snd_wnd = header.window;
    child->take_options(header.options);
    m_table.index(*child);
    if (accept_fastopen(*child, source, destination, segment)) {
        queue_for_accept(*child);
    } else {
        m_syn_queue.append(*child);
        ++m_syn_queue_length;
    }
    child->send_syn();
}

// RFC 7413 4.2.2: a request (an empty option) or a cookie that is not ours earns the client a
// cookie, and its SYN's data waits for the handshake (the client sends it again); a valid
// cookie has the data taken, unless the TCP_FASTOPEN queue is full.
bool TcpConnection::accept_fastopen(TcpConnection& child, const IpAddress& source,
                                    const IpAddress& destination, const TcpSegment& segment) {
    const TcpOptions& offered = segment.header.options;
    if (!m_options.fastopen_queue || !offered.has_fastopen)
        return false;
    uint8_t cookie[SynCookies::fastopen_cookie_length];
    m_table.syn_cookies().fastopen_cookie(source, destination, cookie);
    bool valid = offered.fastopen_cookie_length == sizeof cookie &&
                 memcmp(offered.fastopen_cookie, cookie, sizeof cookie) == 0;
    if (!valid) {
        child.m_sends_fastopen_cookie = true;
        if (offered.fastopen_cookie_length)
            ++m_table.statistics().fastopen_cookies_invalid;
        return false;
    }
    if (segment.payload_length == 0)
        return false;
    if (fastopen_pending() >= m_options.fastopen_queue) {
        ++m_table.statistics().fastopen_queue_full;
        return false;
    }
    size_t taken = child.m_receive_queue.append(segment.payload, segment.payload_length);
    child.m_rcv_nxt += static_cast<uint32_t>(taken);
    child.m_rcv_adv = child.m_rcv_nxt;
    child.m_counters.bytes_received += taken;
    child.m_fastopen = true;
    // The child may send before the handshake ends: its send queue starts right behind its
    // SYN, which it counts as done with (only the SYN-ACK's timer resends it), so that what
    // it sends and what the peer acknowledges line up with the queue as once established.
    child.m_snd_una = child.m_iss + 1;
    child.m_snd_nxt = child.m_snd_una;
    ++m_table.statistics().fastopen_accepted;
    return true;
}

size_t TcpConnection::fastopen_pending() {
    size_t pending = 0;
    for (TcpConnection& child : m_accept_queue)
        pending += child.m_fastopen && child.m_state == TcpState::syn_received;
    return pending;
}

TcpConnection* TcpConnection::create_child(const IpAddress& source, const IpAddress& destination,
                                           const TcpHeader& header) {
    TcpConnection* child = m_table.create_connection(m_ipv6);
    if (!child)
        return nullptr;
    child->m_program_owns = false;
    child->m_listener = this;
    child->m_options = m_options;
    child->m_local = {destination, m_local.port};
    child->m_remote = {source, header.source_port};
    child->m_bound = true;
    child->m_ever_connected = true;
    child->m_state = TcpState::syn_received;
    return child;
}

void TcpConnection::send_syn_cookie(const IpAddress& source, const IpAddress& destination,
                                    const TcpSegment& segment) {
    uint64_t now = m_table.now_ns();
    m_syn_overflow_at = now;
    const SynCookies& cookies = m_table.syn_cookies();
    const TcpHeader& received = segment.header;
    const TcpOptions& offered = received.options;
    SynCookieFlow flow = flow_of(source, destination, received);

    TcpHeader header;
    header.source_port = received.destination_port;
    header.destination_port = received.source_port;
    header.sequence = cookies.make(flow, received.sequence, offered.has_mss ? offered.mss : 0, now);
    header.acknowledgment = received.sequence + 1;
    header.flags = tcp_flag::syn | tcp_flag::ack;
    header.window = static_cast<uint16_t>(min<uint32_t>(m_options.receive_buffer, 0xffff));
    TcpOptions& options = header.options;
    options.has_mss = true;
    options.mss = m_table.mss_for(source);
    // Without timestamps there is nowhere to keep window scaling and SACK: the connection
    // goes without them, as Linux's does.
    if (offered.has_timestamps) {
        SynCookieOptions carried;
        carried.window_scaling = offered.has_window_scale;
        carried.window_scale = min(offered.window_scale, tcp_maximum_window_scale);
        carried.sack = offered.sack_permitted;
        options.has_window_scale = carried.window_scaling;
        options.window_scale = window_scale_for(m_options.receive_buffer);
        options.sack_permitted = carried.sack;
        options.has_timestamps = true;
        uint32_t clock =
            static_cast<uint32_t>(now / tcp_timing::millisecond) + cookies.timestamp_offset(flow);
        options.timestamp_value = SynCookies::encode_timestamp(clock, carried);
        options.timestamp_echo = offered.timestamp_value;
    }
    m_table.transmit(destination, source, header, nullptr, 0, 0, 0, true);
    ++m_table.statistics().syn_cookies_sent;
}

bool TcpConnection::accept_cookie(const IpAddress& source, const IpAddress& destination,
                                  const TcpSegment& segment) {
    // As Linux: cookies are looked at only while the queue has lately overflowed, so that at
    // other times a guessed cookie has nothing to hit.
    uint64_t now = m_table.now_ns();
    uint64_t valid_for = SynCookies::maximum_age * SynCookies::period_ns;
    if (!m_syn_overflow_at || now - m_syn_overflow_at >= valid_for)
        return false;
    const TcpHeader& header = segment.header;
    const TcpOptions& echoed = header.options;
    SynCookieFlow flow = flow_of(source, destination, header);
    const SynCookies& cookies = m_table.syn_cookies();
    uint16_t mss = cookies.check(flow, header.sequence - 1, header.acknowledgment - 1, now);
    SynCookieOptions carried;
    if (mss && echoed.has_timestamps &&
        !SynCookies::decode_timestamp(echoed.timestamp_echo, carried))
        mss = 0;
    if (!mss) {
        ++m_table.statistics().syn_cookies_invalid;
        return false;
    }
    ++m_table.statistics().syn_cookies_valid;
    if (m_accept_queue_length >= m_backlog) {
        // The peer believes it is connected; its retransmissions find room later, or give up.
        ++m_table.statistics().syn_dropped_backlog_full;
        return true;
    }
    TcpConnection* child = create_child(source, destination, header);
    if (!child)
        return true;
    child->m_irs = header.sequence - 1;
    child->m_rcv_nxt = header.sequence;
    child->m_iss = header.acknowledgment - 1;
    child->m_snd_una = child->m_iss;
    child->m_snd_nxt = header.acknowledgment;
    child->m_snd_max = header.acknowledgment;
    // The SYN as the cookie remembers it.
    TcpOptions syn_options;
    syn_options.has_mss = true;
    syn_options.mss = mss;
    if (echoed.has_timestamps) {
        syn_options.has_window_scale = carried.window_scaling;
        syn_options.window_scale = carried.window_scale;
        syn_options.sack_permitted = carried.sack;
        syn_options.has_timestamps = true;
        syn_options.timestamp_value = echoed.timestamp_value;
    }
    child->take_options(syn_options);
    if (child->m_window_scaling)
        child->m_rcv_wscale = window_scale_for(m_options.receive_buffer);
    child->m_ts_offset = cookies.timestamp_offset(flow);
    child->m_rcv_adv = child->m_rcv_nxt + min<uint32_t>(m_options.receive_buffer, 0xffff);
    child->m_last_ack_sent = child->m_rcv_nxt;
    // When our SYN-ACK left is unknown, so the handshake gives no RTT sample, as after a
    // retransmitted SYN-ACK (Karn).
    child->m_retransmits = 1;
    m_table.index(*child);
    m_syn_queue.append(*child);
    ++m_syn_queue_length;
    // The ACK completes the handshake and may carry data: the child takes it as its own.
    child->input(segment);
    return true;
}

void TcpConnection::child_established(TcpConnection& child) {
    // A Fast Open child has waited in the accept queue since its SYN.
    if (child.m_awaiting_accept)
        return;
    IntrusiveList<TcpConnection, &TcpConnection::queue_node>::remove(child);
    --m_syn_queue_length;
    queue_for_accept(child);
}

void TcpConnection::queue_for_accept(TcpConnection& child) {
    m_accept_queue.append(child);
    ++m_accept_queue_length;
    child.m_awaiting_accept = true;
    notify();
}

void TcpConnection::child_closed(TcpConnection& child) {
    IntrusiveList<TcpConnection, &TcpConnection::queue_node>::remove(child);
    if (child.m_awaiting_accept)
        --m_accept_queue_length;
    else
        --m_syn_queue_length;
    child.m_awaiting_accept = false;
    child.m_listener = nullptr;
    notify();
}

} // namespace kernel::net::tcp
