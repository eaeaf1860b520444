// A connection's timers: retransmission (RFC 6298), delayed ACK, persist (zero-window
// probes), keep-alive (RFC 1122 4.2.3.6), and the linger of TIME_WAIT and an orphan FIN_WAIT_2.
#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

void TcpConnection::enter_time_wait() {
    m_state = TcpState::time_wait;
    m_retransmit_at = m_persist_at = m_keep_alive_at = m_cork_at = m_reorder_at = m_probe_at = 0;
    m_send_queue.clear();
    m_scoreboard.clear();
    m_linger_at = m_table.now_ns() + tcp_timing::time_wait;
}

bool TcpConnection::yields_to_new_syn(const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    if (m_state != TcpState::time_wait || header.flags != tcp_flag::syn)
        return false;
    bool newer = sequence_greater(header.sequence, m_rcv_nxt);
    if (m_timestamps && header.options.has_timestamps)
        newer = sequence_greater(header.options.timestamp_value, m_ts_recent);
    if (newer)
        move_to_closed();
    return newer;
}

void TcpConnection::arm_keep_alive() {
    bool watching = m_options.keep_alive &&
                    (m_state == TcpState::established || m_state == TcpState::close_wait);
    uint64_t idle = uint64_t(m_options.keep_idle_seconds) * tcp_timing::second;
    m_keep_alive_at = watching ? m_table.now_ns() + idle : 0;
    m_table.touch(*this);
}

void TcpConnection::on_retransmit_timeout() {
    uint64_t now = m_table.now_ns();
    if (m_retransmits == 0)
        m_retransmit_since = now - m_rtt.rto_ns(); // when the timer was armed
    m_retransmit_at = 0;
    ++m_retransmits;
    uint32_t limit = m_state == TcpState::syn_sent       ? tcp_timing::syn_retries
                     : m_state == TcpState::syn_received ? tcp_timing::syn_ack_retries
                                                         : tcp_timing::data_retries;
    // TCP_USER_TIMEOUT (RFC 5482), when set, replaces the retry count, as on Linux.
    uint64_t user_timeout = uint64_t(m_options.user_timeout_ms) * tcp_timing::millisecond;
    bool expired = user_timeout ? now - m_retransmit_since >= user_timeout : m_retransmits > limit;
    if (expired) {
        abort(ETIMEDOUT, m_state != TcpState::syn_sent);
        return;
    }
    m_rtt.back_off();
    m_rtt_timing = false;
    if (m_state == TcpState::syn_sent || m_state == TcpState::syn_received) {
        ++m_table.statistics().retransmitted;
        send_syn();
        start_retransmit_timer();
        return;
    }
    if (m_snd_una == m_snd_max)
        return;
    ++m_table.statistics().retransmission_timeouts;
    detect_black_hole();
    if (m_sack) {
        on_sack_retransmit_timeout();
        return;
    }
    // Go back to the first unacknowledged byte with a window of one segment (RFC 5681 3.1).
    m_congestion.on_timeout(m_snd_max - m_snd_una, m_table.now_ns());
    m_recovery.on_timeout(m_snd_max);
    m_snd_nxt = m_snd_una;
    retransmit_first();
    start_retransmit_timer();
}

void TcpConnection::on_persist_timeout() {
    m_persist_at = 0;
    if (m_snd_wnd != 0 || m_send_queue.is_empty())
        return;
    send_probe();
    if (m_persist_backoff < 16)
        ++m_persist_backoff;
    uint64_t interval = m_rtt.rto_ns();
    for (uint32_t step = 0; step < m_persist_backoff && interval < RttEstimator::maximum_rto_ns;
         ++step)
        interval *= 2;
    m_persist_at = m_table.now_ns() + min(interval, RttEstimator::maximum_rto_ns);
}

void TcpConnection::on_keep_alive_timeout() {
    m_keep_alive_at = 0;
    if (m_keep_alive_probes >= m_options.keep_count) {
        abort(ETIMEDOUT, true);
        return;
    }
    ++m_keep_alive_probes;
    send_probe();
    m_keep_alive_at =
        m_table.now_ns() + uint64_t(m_options.keep_interval_seconds) * tcp_timing::second;
}

void TcpConnection::run_timers(uint64_t now) {
    bool changed = false;
    if (m_linger_at && now >= m_linger_at) {
        m_linger_at = 0;
        move_to_closed();
        changed = true;
    }
    if (m_retransmit_at && now >= m_retransmit_at) {
        on_retransmit_timeout();
        changed = true;
    }
    if (m_reorder_at && now >= m_reorder_at) {
        on_reorder_timeout();
        changed = true;
    }
    if (m_probe_at && now >= m_probe_at) {
        on_probe_timeout();
        changed = true;
    }
    if (m_delayed_ack_at && now >= m_delayed_ack_at)
        send_ack();
    if (m_persist_at && now >= m_persist_at)
        on_persist_timeout();
    if (m_cork_at && now >= m_cork_at) {
        m_cork_at = 0;
        m_cork_expired = true;
        output();
        m_cork_expired = false;
    }
    if (m_keep_alive_at && now >= m_keep_alive_at) {
        on_keep_alive_timeout();
        changed = true;
    }
    if (changed)
        notify();
}

uint64_t TcpConnection::next_deadline_ns() const {
    const uint64_t deadlines[] = {m_retransmit_at, m_delayed_ack_at, m_persist_at, m_keep_alive_at,
                                  m_linger_at,     m_cork_at,        m_reorder_at, m_probe_at};
    uint64_t earliest = 0;
    for (uint64_t deadline : deadlines) {
        if (deadline && (!earliest || deadline < earliest))
            earliest = deadline;
    }
    return earliest;
}

} // namespace kernel::net::tcp
