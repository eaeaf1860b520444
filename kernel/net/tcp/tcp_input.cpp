// What a connection does with a segment addressed to it (RFC 9293 3.10.7, with RFC 5961's
// defences against blind resets and SYNs, and RFC 7323's timestamps).
#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

void TcpConnection::take_options(const TcpOptions& options) {
    uint32_t our_mss = m_table.mss_for(m_remote.address);
    uint32_t peer_mss = options.has_mss ? options.mss : 536;
    m_mss = static_cast<uint16_t>(max<uint32_t>(min(our_mss, peer_mss), 64));
    // Each option holds only when both SYNs carried it; ours always offers them all.
    m_window_scaling = options.has_window_scale;
    if (m_window_scaling) {
        m_snd_wscale = min(options.window_scale, tcp_maximum_window_scale);
    } else {
        m_snd_wscale = 0;
        m_rcv_wscale = 0;
    }
    m_sack = options.sack_permitted;
    m_timestamps = options.has_timestamps;
    if (m_timestamps) {
        m_ts_recent = options.timestamp_value;
        // The option takes 12 bytes of every segment.
        m_mss = static_cast<uint16_t>(m_mss - 12);
    }
    m_congestion.start(m_mss, m_options.congestion);
    m_recovery.start(m_mss);
    m_recovery_state = RecoveryState::open;
}

void TcpConnection::become_established() {
    m_state = TcpState::established;
    m_retransmits = 0;
    ++m_table.statistics().connections_opened;
    arm_keep_alive();
}

void TcpConnection::input_syn_sent(const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    bool has_ack = header.has(tcp_flag::ack);
    if (has_ack && (sequence_less_equal(header.acknowledgment, m_iss) ||
                    sequence_greater(header.acknowledgment, m_snd_max))) {
        if (!header.has(tcp_flag::rst))
            m_table.send_reset_for(m_remote.address, m_local.address, segment);
        return;
    }
    if (header.has(tcp_flag::rst)) {
        if (has_ack) {
            ++m_table.statistics().resets_received;
            abort(ECONNREFUSED, false);
        }
        return;
    }
    if (!header.has(tcp_flag::syn))
        return;
    m_irs = header.sequence;
    m_rcv_nxt = m_irs + 1;
    m_rcv_adv = m_rcv_nxt;
    take_options(header.options);
    m_snd_wnd = header.window; // never scaled in a SYN
    m_snd_wl1 = header.sequence;
    m_snd_wl2 = header.acknowledgment;
    if (has_ack) {
        m_snd_una = header.acknowledgment;
        m_retransmit_at = 0;
        if (m_retransmits == 0)
            m_rtt.add_sample(m_table.now_ns() - m_rtt_started);
        m_rtt.reset_backoff();
        become_established();
        send_ack();
        output();
    } else {
        // Simultaneous open (RFC 9293 3.5, figure 8).
        m_state = TcpState::syn_received;
        transmit(m_iss, tcp_flag::syn | tcp_flag::ack, 0);
    }
    notify();
}

bool TcpConnection::acceptable(const TcpSegment& segment) const {
    uint32_t window = sequence_greater(m_rcv_adv, m_rcv_nxt) ? m_rcv_adv - m_rcv_nxt : 0;
    uint32_t start = segment.header.sequence;
    uint32_t length = segment.sequence_length();
    if (length == 0) {
        if (window == 0)
            return start == m_rcv_nxt;
        return sequence_in_range(start, m_rcv_nxt, m_rcv_nxt + window);
    }
    if (window == 0)
        return false;
    uint32_t last = start + length - 1;
    return sequence_in_range(start, m_rcv_nxt, m_rcv_nxt + window) ||
           sequence_in_range(last, m_rcv_nxt, m_rcv_nxt + window);
}

bool TcpConnection::handle_reset(const TcpSegment& segment) {
    // RFC 5961 3.2: only a reset at exactly RCV.NXT is believed; one elsewhere in the window
    // may be blind, so it gets a challenge ACK that a real peer answers with a proper reset.
    if (segment.header.sequence != m_rcv_nxt) {
        send_challenge_ack();
        return false;
    }
    ++m_table.statistics().resets_received;
    if (m_state == TcpState::syn_received && m_listener) {
        abort(0, false);
        return false;
    }
    bool orderly = m_state == TcpState::time_wait || m_state == TcpState::last_ack ||
                   m_state == TcpState::closing;
    // As Linux: after the peer's FIN, its reset means only that our writes can go nowhere.
    int error = m_state == TcpState::close_wait ? EPIPE : ECONNRESET;
    abort(orderly ? 0 : error, false);
    return false;
}

void TcpConnection::update_window(const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    if (sequence_less(m_snd_wl1, header.sequence) ||
        (m_snd_wl1 == header.sequence && sequence_less_equal(m_snd_wl2, header.acknowledgment))) {
        m_snd_wnd = uint32_t(header.window) << m_snd_wscale;
        m_snd_wl1 = header.sequence;
        m_snd_wl2 = header.acknowledgment;
        if (m_snd_wnd > 0) {
            m_persist_at = 0;
            m_persist_backoff = 0;
        }
    }
}

void TcpConnection::handle_new_ack(const TcpSegment& segment, uint32_t ack,
                                   const SackOutcome& sack) {
    uint32_t in_flight_before = m_snd_max - m_snd_una;
    uint32_t acked = ack - m_snd_una;
    size_t data_acked = min<size_t>(acked, m_send_queue.size());
    m_send_queue.consume(data_acked);
    m_counters.bytes_acked += data_acked;
    m_snd_una = ack;
    uint64_t first_sent = 0;
    uint32_t delivered = m_sack ? m_scoreboard.acknowledge(ack, m_rack, first_sent) : 0;
    if (sequence_less(m_snd_nxt, m_snd_una))
        m_snd_nxt = m_snd_una;

    uint64_t now = m_table.now_ns();
    const TcpOptions& options = segment.header.options;
    // The round trip this ACK measures, if any (0 when it measures none).
    uint64_t rtt_sample = 0;
    if (first_sent) {
        // The scoreboard's send times measure to the nanosecond (as Linux's skb timestamps).
        rtt_sample = now - first_sent;
        m_rtt.add_sample(rtt_sample);
    } else if (m_timestamps && options.has_timestamps && options.timestamp_echo != 0) {
        uint32_t elapsed_ms = timestamp_now() - options.timestamp_echo;
        if (elapsed_ms < 60'000) {
            rtt_sample = uint64_t(elapsed_ms) * tcp_timing::millisecond;
            m_rtt.add_sample(rtt_sample);
        }
    } else if (m_rtt_timing && sequence_greater(ack, m_rtt_sequence)) {
        rtt_sample = now - m_rtt_started;
        m_rtt.add_sample(rtt_sample);
        m_rtt_timing = false;
    }
    m_rtt.reset_backoff();
    m_retransmits = 0;
    mtu_probe_acknowledged();

    bool partial = false;
    if (m_sack)
        recovery_on_ack(segment, acked, delivered + sack.newly_sacked, sack, in_flight_before,
                        rtt_sample);
    else
        partial =
            m_recovery.on_new_ack(m_congestion, acked, ack, in_flight_before, now, rtt_sample);
    if (m_snd_una == m_snd_max)
        m_retransmit_at = 0;
    else
        start_retransmit_timer();
    if (partial)
        retransmit_first();

    bool fin_acked = m_fin_queued && sequence_greater(m_snd_una, m_fin_sequence);
    if (fin_acked) {
        switch (m_state) {
        case TcpState::fin_wait_1:
            m_state = TcpState::fin_wait_2;
            if (is_orphan())
                m_linger_at = now + tcp_timing::fin_wait_2;
            break;
        case TcpState::closing:
            enter_time_wait();
            break;
        case TcpState::last_ack:
            move_to_closed();
            break;
        default:
            break;
        }
    }
}

void TcpConnection::handle_duplicate_ack() {
    uint32_t in_flight = m_snd_max - m_snd_una;
    if (m_recovery.on_duplicate_ack(m_congestion, in_flight, m_snd_max, m_snd_una,
                                    m_table.now_ns())) {
        ++m_table.statistics().reno_recoveries;
        m_rtt_timing = false;
        retransmit_first();
        start_retransmit_timer();
    }
}

bool TcpConnection::handle_ack(const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    uint32_t ack = header.acknowledgment;
    if (m_state == TcpState::syn_received) {
        if (!sequence_greater(ack, m_iss) || sequence_greater(ack, m_snd_max)) {
            m_table.send_reset_for(m_remote.address, m_local.address, segment);
            return false;
        }
        m_snd_wnd = uint32_t(header.window) << m_snd_wscale;
        m_snd_wl1 = header.sequence;
        m_snd_wl2 = ack;
        // The ACK of our SYN. Behind it a Fast Open child may have sent data (its SND.UNA is
        // already past the SYN), which the same ACK may cover too: that part is taken below as
        // any new ACK.
        m_snd_una = sequence_max(m_snd_una, m_iss + 1);
        m_retransmit_at = 0;
        if (m_retransmits == 0 && !m_timestamps)
            m_rtt.add_sample(m_table.now_ns() - m_rtt_started);
        m_rtt.reset_backoff();
        become_established();
        if (m_listener)
            m_listener->child_established(*this);
        if (m_fin_queued)
            m_state = TcpState::fin_wait_1;
        if (m_snd_una != m_snd_max)
            start_retransmit_timer();
        if (ack == m_snd_una)
            return true;
    }
    if (sequence_greater(ack, m_snd_max)) {
        // Acknowledges what was never sent (RFC 5961 5.2: answered with an ACK, dropped).
        send_ack();
        return false;
    }
    SackOutcome sack;
    if (m_sack)
        sack = take_sack(segment, ack);
    if (sequence_greater(ack, m_snd_una)) {
        update_window(segment);
        handle_new_ack(segment, ack, sack);
        return m_state != TcpState::closed;
    }
    if (m_sack) {
        // Duplicate or not, what it reports drives RACK and PRR (RFC 8985, RFC 6937).
        update_window(segment);
        if (ack == m_snd_una && m_snd_max != m_snd_una)
            recovery_on_ack(segment, 0, sack.newly_sacked, sack, m_snd_max - m_snd_una, 0);
        return true;
    }
    // A duplicate ACK (RFC 5681 2) keeps the window.
    bool same_window = uint32_t(header.window) << m_snd_wscale == m_snd_wnd;
    if (ack == m_snd_una && segment.payload_length == 0 && !header.has(tcp_flag::fin) &&
        same_window && m_snd_max != m_snd_una) {
        handle_duplicate_ack();
        return true;
    }
    update_window(segment);
    return true;
}

void TcpConnection::schedule_ack(size_t length, bool now) {
    // A segment the host coalesced from several (GUEST_TSO) counts as the segments it holds, as
    // Linux counts bytes against its receive MSS: a 64 KiB one is answered at once.
    m_segments_unacked += max<uint32_t>(static_cast<uint32_t>((length + m_mss - 1) / m_mss), 1);
    // Every second full segment, or after the delayed-ACK time (RFC 1122 4.2.3.2).
    if (now || m_segments_unacked >= 2) {
        send_ack();
        return;
    }
    if (!m_delayed_ack_at)
        m_delayed_ack_at = m_table.now_ns() + tcp_timing::delayed_ack;
}

void TcpConnection::note_duplicate_data(const TcpSegment& segment) {
    uint32_t start = segment.header.sequence;
    if (!m_sack || segment.payload_length == 0 || !sequence_less(start, m_rcv_nxt))
        return;
    // RFC 2883: tell the sender what came twice, so it learns its resend was needless.
    uint32_t end = start + static_cast<uint32_t>(segment.payload_length);
    m_dsack = {start, sequence_less(end, m_rcv_nxt) ? end : m_rcv_nxt};
    m_dsack_pending = true;
}

void TcpConnection::handle_data(const TcpSegment& segment) {
    uint32_t start = segment.header.sequence;
    const uint8_t* payload = segment.payload;
    size_t length = segment.payload_length;
    note_duplicate_data(segment);
    if (sequence_less(start, m_rcv_nxt)) {
        uint32_t skip = min<uint32_t>(m_rcv_nxt - start, static_cast<uint32_t>(length));
        payload += skip;
        length -= skip;
        start += skip;
    }
    uint32_t window_end = sequence_max(m_rcv_adv, m_rcv_nxt);
    if (sequence_greater_equal(start, window_end))
        length = 0;
    else
        length = min<size_t>(length, window_end - start);
    if (length == 0) {
        send_ack();
        return;
    }
    if (is_orphan()) {
        // Nobody will read it: RFC 9293 3.10.7.4 step 7 after close.
        abort(0, true);
        return;
    }
    if (start != m_rcv_nxt) {
        m_out_of_order.insert(start, payload, length, m_options.receive_buffer);
        send_ack(); // a duplicate ACK with SACK blocks tells the sender what is missing
        return;
    }
    bool filled_hole = !m_out_of_order.is_empty();
    size_t appended = m_receive_queue.append(payload, length);
    m_rcv_nxt += static_cast<uint32_t>(appended);
    m_rcv_nxt += static_cast<uint32_t>(m_out_of_order.drain(m_rcv_nxt, m_receive_queue));
    m_counters.bytes_received += m_rcv_nxt - start;
    bool fin_follows = segment.header.has(tcp_flag::fin) &&
                       segment.header.sequence + segment.payload_length == m_rcv_nxt;
    if (!fin_follows) // the FIN's own ACK covers this data too
        schedule_ack(appended, filled_hole || appended < length);
}

void TcpConnection::handle_fin() {
    m_rcv_nxt += 1;
    m_fin_received = true;
    send_ack();
    switch (m_state) {
    case TcpState::syn_received:
    case TcpState::established:
        m_state = TcpState::close_wait;
        break;
    case TcpState::fin_wait_1:
        if (m_fin_queued && sequence_greater(m_snd_una, m_fin_sequence))
            enter_time_wait();
        else
            m_state = TcpState::closing;
        break;
    case TcpState::fin_wait_2:
        enter_time_wait();
        break;
    case TcpState::time_wait:
        enter_time_wait(); // a retransmitted FIN: acknowledged, and the wait starts over
        break;
    default:
        break;
    }
}

void TcpConnection::input(const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    if (m_state == TcpState::closed || m_state == TcpState::listen)
        return;
    ++m_counters.segments_in;
    if (header.has(tcp_flag::ack))
        m_counters.last_ack_received_ns = m_table.now_ns();
    if (segment.payload_length > 0) {
        ++m_counters.data_segments_in;
        m_counters.last_data_received_ns = m_table.now_ns();
        m_counters.largest_received =
            max(m_counters.largest_received, static_cast<uint32_t>(segment.payload_length));
    }
    if (m_state == TcpState::syn_sent) {
        input_syn_sent(segment);
        return;
    }
    if (m_keep_alive_at) {
        m_keep_alive_probes = 0;
        arm_keep_alive();
    }
    // PAWS (RFC 7323 5): a segment older than the last one seen is a stale duplicate.
    const TcpOptions& options = header.options;
    if (m_timestamps && options.has_timestamps && !header.has(tcp_flag::rst) &&
        sequence_less(options.timestamp_value, m_ts_recent)) {
        ++m_table.statistics().dropped_out_of_window;
        send_ack();
        return;
    }
    if (m_state == TcpState::syn_received && header.has(tcp_flag::syn) &&
        !header.has(tcp_flag::ack) && header.sequence == m_irs) {
        transmit(m_iss, tcp_flag::syn | tcp_flag::ack, 0); // our SYN-ACK was lost
        return;
    }
    if (m_state == TcpState::time_wait && header.has(tcp_flag::fin) &&
        header.sequence + segment.payload_length + 1 == m_rcv_nxt) {
        send_ack();
        enter_time_wait();
        return;
    }
    if (!acceptable(segment)) {
        ++m_table.statistics().dropped_out_of_window;
        if (!header.has(tcp_flag::rst)) {
            note_duplicate_data(segment);
            send_ack();
        }
        return;
    }
    if (m_timestamps && options.has_timestamps &&
        sequence_less_equal(header.sequence, m_last_ack_sent))
        m_ts_recent = options.timestamp_value;
    if (header.has(tcp_flag::rst)) {
        handle_reset(segment);
        return;
    }
    if (header.has(tcp_flag::syn)) {
        // RFC 5961 4: a SYN on a synchronized connection is answered, never believed.
        send_challenge_ack();
        return;
    }
    if (!header.has(tcp_flag::ack))
        return;
    if (!handle_ack(segment)) {
        notify();
        return;
    }
    bool takes_data = m_state == TcpState::established || m_state == TcpState::fin_wait_1 ||
                      m_state == TcpState::fin_wait_2;
    if (takes_data && segment.payload_length > 0)
        handle_data(segment);
    if (header.has(tcp_flag::fin) && m_state != TcpState::closed &&
        header.sequence + segment.payload_length == m_rcv_nxt && !m_fin_received)
        handle_fin();
    else if (header.has(tcp_flag::fin) && m_state != TcpState::closed && !m_fin_received)
        send_ack(); // a FIN beyond a hole: the duplicate ACK asks for the missing data
    output();
    notify();
}

} // namespace kernel::net::tcp
