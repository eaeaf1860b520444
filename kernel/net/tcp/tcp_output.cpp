// What a connection sends: SYNs, data under the windows and Nagle's rule, ACKs, probes, RSTs.
#include "lib/string.h"
#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

namespace {

// Payload pieces per segment: a full segment spans at most this many buffer chunks (a 64 KiB
// TSO segment's ~65 KB over 2 KiB chunks, unaligned at both ends).
constexpr size_t maximum_pieces = 34;

} // namespace

uint32_t TcpConnection::timestamp_now() const {
    return static_cast<uint32_t>(m_table.now_ns() / tcp_timing::millisecond) + m_ts_offset;
}

uint32_t TcpConnection::receive_space() const {
    size_t held = m_receive_queue.size() + m_out_of_order.bytes();
    return held >= m_options.receive_buffer
               ? 0
               : static_cast<uint32_t>(m_options.receive_buffer - held);
}

bool TcpConnection::window_update_due() const {
    // Receiver-side silly window avoidance (RFC 1122 4.2.3.3): announce a window that has
    // opened by a full segment or half the buffer, as far as the window field can say it.
    // After the peer's FIN nothing more comes, so the window no longer matters.
    bool receiving = m_state == TcpState::established || m_state == TcpState::fin_wait_1 ||
                     m_state == TcpState::fin_wait_2;
    if (!receiving || m_fin_received)
        return false;
    uint32_t window =
        static_cast<uint32_t>(min<uint64_t>(receive_space(), uint64_t(0xffff) << m_rcv_wscale));
    uint32_t right_edge = m_rcv_nxt + window;
    return sequence_greater(right_edge, m_rcv_adv) &&
           right_edge - m_rcv_adv >= min<uint32_t>(m_options.receive_buffer / 2, m_mss);
}

uint16_t TcpConnection::window_field() {
    uint32_t space = receive_space();
    // Never move the right edge left (RFC 9293 3.8.6.2.2), and move it right only by a useful
    // amount (silly window avoidance).
    uint32_t right_edge = m_rcv_nxt + space;
    uint32_t threshold = min<uint32_t>(m_options.receive_buffer / 2, m_mss);
    if (sequence_less(right_edge, m_rcv_adv) ||
        (sequence_greater(right_edge, m_rcv_adv) && right_edge - m_rcv_adv < threshold &&
         sequence_greater(m_rcv_adv, m_rcv_nxt)))
        right_edge = sequence_max(m_rcv_adv, m_rcv_nxt);
    uint32_t window = right_edge - m_rcv_nxt;
    uint32_t field = min<uint32_t>(window >> m_rcv_wscale, 0xffff);
    m_rcv_adv = sequence_max(m_rcv_adv, m_rcv_nxt + (field << m_rcv_wscale));
    return static_cast<uint16_t>(field);
}

void TcpConnection::transmit(uint32_t sequence, uint8_t flags, size_t length, bool whole) {
    TcpHeader header;
    header.source_port = m_local.port;
    header.destination_port = m_remote.port;
    header.sequence = sequence;
    header.flags = flags;
    TcpOptions& options = header.options;
    if (flags & tcp_flag::syn) {
        options.has_mss = true;
        options.mss = m_table.mss_for(m_remote.address);
        bool answering = m_state == TcpState::syn_received;
        if (!answering || m_window_scaling) {
            options.has_window_scale = true;
            options.window_scale = m_rcv_wscale;
        }
        options.sack_permitted = !answering || m_sack;
        options.has_timestamps = !answering || m_timestamps;
        if (answering && m_sends_fastopen_cookie) {
            uint8_t cookie[SynCookies::fastopen_cookie_length];
            m_table.syn_cookies().fastopen_cookie(m_remote.address, m_local.address, cookie);
            options.has_fastopen = true;
            options.fastopen_cookie_length = sizeof cookie;
            memcpy(options.fastopen_cookie, cookie, sizeof cookie);
        }
        // The window in a SYN is never scaled (RFC 7323 2.2).
        header.window = static_cast<uint16_t>(min<uint32_t>(receive_space(), 0xffff));
    }
    if (flags & tcp_flag::ack) {
        header.acknowledgment = m_rcv_nxt;
        if (!(flags & tcp_flag::syn))
            header.window = window_field();
        else
            m_rcv_adv = m_rcv_nxt + header.window;
        m_last_ack_sent = m_rcv_nxt;
        m_delayed_ack_at = 0;
        m_segments_unacked = 0;
    }
    if (m_timestamps || ((flags & tcp_flag::syn) && options.has_timestamps)) {
        options.has_timestamps = true;
        options.timestamp_value = timestamp_now();
        options.timestamp_echo = (flags & tcp_flag::ack) ? m_ts_recent : 0;
    }
    if (m_sack && !(flags & tcp_flag::syn) && (m_dsack_pending || !m_out_of_order.is_empty())) {
        size_t count = 0;
        if (m_dsack_pending) {
            options.sack_blocks[count++] = m_dsack;
            m_dsack_pending = false;
        }
        count += m_out_of_order.sack_blocks(options.sack_blocks + count,
                                            tcp_maximum_sack_blocks - count);
        options.sack_block_count = static_cast<uint8_t>(count);
    }

    ++m_counters.segments_out;
    if (length > 0) {
        ++m_counters.data_segments_out;
        m_counters.bytes_sent += length;
        m_counters.last_data_sent_ns = m_table.now_ns();
    }

    TransmitFragment pieces[maximum_pieces];
    size_t count = 0;
    size_t covered = 0;
    if (length > 0) {
        size_t offset = sequence - m_snd_una;
        count = m_send_queue.describe(offset, length, pieces, maximum_pieces, covered);
    }
    // Longer than a segment on the wire only from send_limit(), for the device to cut.
    size_t segment_size = payload_limit();
    m_table.transmit(m_local.address, m_remote.address, header, pieces, count, covered,
                     !whole && covered > segment_size ? segment_size : 0, m_dont_fragment);
}

size_t TcpConnection::payload_limit() const {
    // SACK blocks take room from the payload, so that a segment still fits the path.
    if (!m_sack || (m_out_of_order.is_empty() && !m_dsack_pending))
        return m_mss;
    size_t blocks = m_timestamps ? 3 : tcp_maximum_sack_blocks;
    return m_mss - (4 + 8 * blocks);
}

size_t TcpConnection::send_limit() const {
    size_t segment = payload_limit();
    size_t datagram = m_table.segmentation_limit_for(m_remote.address);
    // Once the path has lost a segment (the slow-start threshold is set), segments go one at
    // a time: bursts of 64 KiB into a path that drops them lose more. Still so with RACK and
    // the scoreboard: without this rule 16 MiB sent through 5% loss and reordering under QEMU
    // went at 2.7-3.8 MB/s against 4.1-5.2 MB/s with it (transfer.sh, seeds 1-3, one run).
    if (!m_table.device_segments_for(m_remote.address) ||
        m_congestion.slow_start_threshold() != 0xffffffff)
        return segment;
    // Whole segments behind the largest header, so the device's cuts leave no runt.
    size_t room = datagram - TcpTable::ip_header_length_for(m_remote.address) - tcp_maximum_header;
    return max(segment, room - room % segment);
}

void TcpConnection::send_syn() {
    // Our scale covers the receive buffer; an answer to a SYN without the option has none.
    m_rcv_wscale = m_state == TcpState::syn_sent || m_window_scaling
                       ? window_scale_for(m_options.receive_buffer)
                       : 0;
    uint8_t flags = tcp_flag::syn;
    if (m_state == TcpState::syn_received)
        flags |= tcp_flag::ack;
    if (m_retransmits == 0)
        m_rtt_started = m_table.now_ns();
    transmit(m_iss, flags, 0);
    // A Fast Open child may have sent data behind its SYN-ACK: that stays sent, and is
    // retransmitted as data once the handshake is done.
    m_snd_nxt = sequence_max(m_snd_nxt, m_iss + 1);
    m_snd_max = sequence_max(m_snd_max, m_snd_nxt);
    if (!m_retransmit_at)
        start_retransmit_timer();
}

// Segments without data carry the highest sequence sent, not SND.NXT: after a timeout SND.NXT
// falls back to resend, and an ACK from behind the peer's RCV.NXT would be out of its window.
void TcpConnection::send_ack() {
    transmit(m_snd_max, tcp_flag::ack, 0);
}

void TcpConnection::send_challenge_ack() {
    TcpStatistics& statistics = m_table.statistics();
    if (!m_table.allow_challenge_ack()) {
        ++statistics.challenge_acks_skipped;
        return;
    }
    ++statistics.challenge_acks_sent;
    send_ack();
}

void TcpConnection::send_reset() {
    transmit(m_snd_max, tcp_flag::rst | tcp_flag::ack, 0);
    ++m_table.statistics().resets_sent;
}

void TcpConnection::send_probe() {
    // One byte behind what the peer acknowledged: out of its window, so it answers with an
    // ACK carrying its current window (RFC 9293 3.8.6.1, RFC 1122 4.2.3.6).
    transmit(m_snd_una - 1, tcp_flag::ack, 0);
}

void TcpConnection::send_data(uint32_t sequence, size_t length, bool fin, bool whole) {
    uint8_t flags = tcp_flag::ack;
    if (fin)
        flags |= tcp_flag::fin;
    if (length > 0 && sequence + length == m_snd_una + m_send_queue.size())
        flags |= tcp_flag::psh;
    if (sequence_less(sequence, m_snd_max)) {
        ++m_table.statistics().retransmitted;
        ++m_counters.retransmitted_segments;
        m_counters.bytes_retransmitted += length;
        if (m_rtt_timing && sequence_less_equal(sequence, m_rtt_sequence))
            m_rtt_timing = false; // Karn: a retransmitted segment gives no sample
    } else if (!m_timestamps && !m_rtt_timing && length > 0) {
        m_rtt_timing = true;
        m_rtt_sequence = sequence;
        m_rtt_started = m_table.now_ns();
    }
    transmit(sequence, flags, length, whole);
}

void TcpConnection::start_retransmit_timer() {
    m_retransmit_at = m_table.now_ns() + m_rtt.rto_ns();
    m_table.touch(*this);
}

void TcpConnection::retransmit_first() {
    size_t queued = m_send_queue.size();
    size_t length = min<size_t>(queued, payload_limit());
    bool fin = m_fin_queued && length == queued && sequence_greater(m_snd_max, m_fin_sequence);
    send_data(m_snd_una, length, fin);
    uint32_t end = m_snd_una + static_cast<uint32_t>(length);
    m_snd_nxt = sequence_max(m_snd_nxt, end + (fin ? 1 : 0));
}

bool TcpConnection::send_new_segment(uint32_t usable) {
    uint32_t data_end = m_snd_una + static_cast<uint32_t>(m_send_queue.size());
    size_t available =
        sequence_less(m_snd_nxt, data_end) ? static_cast<size_t>(data_end - m_snd_nxt) : 0;
    size_t segment = payload_limit();
    size_t length = min<size_t>(min<size_t>(available, send_limit()), usable);
    bool fin = m_fin_queued && m_snd_nxt + length == m_fin_sequence &&
               sequence_less_equal(m_snd_nxt, m_fin_sequence);
    if (length == 0 && !fin)
        return false;
    size_t partial = length % segment;
    if (partial != 0 && !fin) {
        bool window_limited = length < available;
        // TCP_CORK or MSG_MORE: a partial segment waits for more data, the cork's removal or
        // its 200 ms ceiling, whatever TCP_NODELAY says (tcp(7)).
        bool held = (m_options.cork || m_more) && !m_cork_expired && !window_limited;
        if (held && !m_cork_at) {
            m_cork_at = m_table.now_ns() + tcp_timing::cork_ceiling;
            m_table.touch(*this);
        }
        // Nagle (RFC 896): a small segment waits while data is unacknowledged, unless
        // TCP_NODELAY; a window-limited one waits for the window to open. Under TSO only the
        // small tail waits (as for the cork), cut off the full segments before it, as Linux's
        // tcp_mss_split_point() does.
        if (held || (m_snd_nxt != m_snd_una && (window_limited || !m_options.no_delay))) {
            if (length < segment)
                return false;
            length -= partial;
        }
    }
    uint32_t end = m_snd_nxt + static_cast<uint32_t>(length) + (fin ? 1 : 0);
    if (m_sack &&
        !m_scoreboard.record_sent(m_snd_nxt, end, static_cast<uint32_t>(segment), m_table.now_ns()))
        return false; // the scoreboard is full: new data waits for ACKs
    if (m_recovery_state == RecoveryState::recovery)
        m_prr.on_sent(end - m_snd_nxt);
    send_data(m_snd_nxt, length, fin);
    if (length % segment != 0)
        m_cork_at = 0; // the held partial segment went
    new_data_sent(end);
    return true;
}

void TcpConnection::new_data_sent(uint32_t end) {
    m_snd_nxt = end;
    m_snd_max = sequence_max(m_snd_max, m_snd_nxt);
    if (!m_retransmit_at)
        start_retransmit_timer();
    m_persist_at = 0;
}

void TcpConnection::output() {
    switch (m_state) {
    case TcpState::syn_received:
        // RFC 7413 4.2.2: a Fast Open child may answer before the handshake ends.
        if (!m_fastopen)
            return;
        break;
    case TcpState::established:
    case TcpState::close_wait:
    case TcpState::fin_wait_1:
    case TcpState::closing:
    case TcpState::last_ack:
        break;
    default:
        return;
    }
    // The path may be smaller than the MSS both ends announced, or have shrunk meanwhile (an
    // ICMP error another socket heard): as Linux's tcp_current_mss() follows the route's MTU,
    // segments follow the IP layer's estimate.
    PathMtu path = m_table.path_to(m_remote.address);
    if (path.mtu < m_mss + packet_overhead())
        lower_path_mtu(path.mtu);
    // DF on every segment (RFC 1191), but not to a path locked below the floor, as Linux
    // reads its route for each packet (ip_dont_fragment).
    m_dont_fragment = !path.locked;
    if (m_sack) {
        output_with_sack();
    } else {
        for (;;) {
            uint32_t in_flight = m_snd_nxt - m_snd_una;
            uint32_t window = min(m_snd_wnd, m_congestion.window());
            if (!send_new_segment(window > in_flight ? window - in_flight : 0))
                break;
        }
    }
    uint32_t data_end = m_snd_una + static_cast<uint32_t>(m_send_queue.size());
    bool blocked = sequence_less(m_snd_nxt, data_end) && m_snd_nxt == m_snd_una;
    if (blocked && m_snd_wnd == 0 && !m_persist_at && !m_retransmit_at) {
        m_persist_backoff = 0;
        m_persist_at = m_table.now_ns() + m_rtt.rto_ns();
        m_table.touch(*this);
    }
}

} // namespace kernel::net::tcp
