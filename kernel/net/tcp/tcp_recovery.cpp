// Loss recovery on a connection with SACK, as Linux does it: the scoreboard of every segment in
// flight (RFC 6675), RACK's time-based loss detection and the tail loss probe (RFC 8985),
// proportional rate reduction of the window while recovering (RFC 6937), and the Eifel test
// that undoes a reduction a needless retransmission caused (RFC 3522). Peers without SACK get
// NewReno's duplicate-ACK recovery (fast_recovery.h).
#include "lib/utility.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

namespace {

// RFC 8985 7.2: a lone segment's ACK may be delayed by the peer this long (WCDelAckT).
constexpr uint64_t worst_case_delayed_ack = 200 * tcp_timing::millisecond;
// Linux's TCP_TIMEOUT_MIN, that a probe never outruns the ACK of a back-to-back flight.
constexpr uint64_t minimum_probe_slack = 2 * tcp_timing::millisecond;

} // namespace

SackOutcome TcpConnection::take_sack(const TcpSegment& segment, uint32_t ack) {
    const TcpOptions& options = segment.header.options;
    m_rack.begin_ack(m_table.now_ns());
    SackOutcome outcome =
        m_scoreboard.add(options.sack_blocks, options.sack_block_count, ack, m_snd_max, m_rack);
    TcpStatistics& statistics = m_table.statistics();
    statistics.sack_blocks_ignored += outcome.ignored_blocks;
    if (outcome.duplicate) {
        ++statistics.dsacks_received;
        m_rack.on_duplicate_sack(m_snd_una, m_snd_max);
    }
    return outcome;
}

void TcpConnection::recovery_on_ack(const TcpSegment& segment, uint32_t acked, uint32_t delivered,
                                    const SackOutcome& sack, uint32_t in_flight_before,
                                    uint64_t rtt_sample) {
    uint64_t now = m_table.now_ns();
    if (acked > 0)
        detect_spurious_retransmission(segment);
    if (m_scoreboard.reneged()) {
        // The peer dropped what it had SACKed: nothing it reported can be trusted.
        ++m_table.statistics().sack_renegings;
        m_scoreboard.mark_all_lost(false);
    }
    handle_probe_ack(m_snd_una, acked > 0, sack);
    if (m_recovery_state != RecoveryState::open &&
        sequence_greater_equal(m_snd_una, m_recovery_point)) {
        // RFC 6937: recovery ends with the window at the threshold.
        if (m_recovery_state == RecoveryState::recovery) {
            m_congestion.set_window(m_congestion.slow_start_threshold());
            m_rack.on_recovery_end();
        }
        m_recovery_state = RecoveryState::open;
    }
    detect_losses();
    if (m_recovery_state == RecoveryState::open && m_scoreboard.lost_bytes() > 0 &&
        !only_mtu_probe_lost())
        enter_recovery();
    if (m_recovery_state == RecoveryState::recovery)
        m_congestion.set_window(m_prr.on_ack(delivered, m_scoreboard.pipe(), m_mss));
    else if (acked > 0)
        m_congestion.on_ack(acked, in_flight_before, now, rtt_sample);
}

void TcpConnection::detect_losses() {
    uint64_t timeout = 0;
    size_t lost = m_rack.detect_loss(m_scoreboard, m_table.now_ns(), m_rtt.smoothed_ns(),
                                     m_recovery_state != RecoveryState::open, timeout);
    m_table.statistics().rack_losses += lost;
    m_reorder_at = timeout ? m_table.now_ns() + timeout : 0;
    m_table.touch(*this);
}

void TcpConnection::enter_recovery() {
    uint32_t flight = m_snd_max - m_snd_una;
    uint32_t threshold = m_congestion.on_congestion_event(flight, m_table.now_ns());
    m_prr.start(flight, threshold);
    ++m_table.statistics().sack_recoveries;
    m_recovery_state = RecoveryState::recovery;
    m_recovery_point = m_snd_max;
    m_probe_at = 0;
    arm_undo();
}

void TcpConnection::arm_undo() {
    // RFC 3522 2: the first retransmission goes out now, stamped with this time.
    m_undo_armed = m_timestamps;
    m_undo_timestamp = timestamp_now();
    m_rtt_timing = false;
}

void TcpConnection::detect_spurious_retransmission(const TcpSegment& segment) {
    if (!m_undo_armed)
        return;
    m_undo_armed = false;
    // RFC 3522 3.2: the first ACK for new data after the retransmission echoes a timestamp
    // from before it: the original arrived, and the retransmission was needless.
    const TcpOptions& options = segment.header.options;
    if (!options.has_timestamps || options.timestamp_echo == 0 ||
        !sequence_less(options.timestamp_echo, m_undo_timestamp))
        return;
    ++m_table.statistics().spurious_undos;
    m_congestion.undo();
    m_scoreboard.clear_lost();
    if (m_recovery_state == RecoveryState::recovery)
        m_rack.on_recovery_end();
    m_recovery_state = RecoveryState::open;
}

void TcpConnection::handle_probe_ack(uint32_t ack, bool advanced, const SackOutcome& sack) {
    if (!m_probe_outstanding || sequence_less(ack, m_probe_end))
        return;
    // RFC 8985 7.4 as Linux's tcp_process_tlp_ack: a probe of new data needs nothing more; a
    // resent one that the peer reports twice (D-SACK) repaired nothing; an ACK beyond it
    // without one means the probe repaired a loss, and the window comes down as after a fast
    // recovery.
    bool probe_duplicated = sack.duplicate && sack.duplicate_end == m_probe_end;
    if (!m_probe_retransmitted || probe_duplicated) {
        m_probe_outstanding = false;
    } else if (sequence_greater(ack, m_probe_end)) {
        m_probe_outstanding = false;
        ++m_table.statistics().tail_loss_recoveries;
        m_congestion.set_window(
            m_congestion.on_congestion_event(m_snd_max - m_snd_una, m_table.now_ns()));
    } else if (!advanced && sack.newly_sacked == 0) {
        m_probe_outstanding = false;
    }
}

bool TcpConnection::retransmit_record(size_t index) {
    SentSegment segment = m_scoreboard.at(index);
    mtu_probe_lost(segment.start);
    bool fin = m_fin_queued && segment.end == m_fin_sequence + 1;
    uint32_t length = segment.length() - (fin ? 1 : 0);
    uint32_t limit = static_cast<uint32_t>(payload_limit());
    if (length > limit) {
        // Options took room since it was first sent: the rest stays a record of its own.
        if (!m_scoreboard.split(index, segment.start + limit))
            return false;
        length = limit;
        fin = false;
    }
    if (m_recovery_state == RecoveryState::recovery)
        m_prr.on_sent(length + (fin ? 1 : 0));
    send_data(segment.start, length, fin);
    m_scoreboard.record_retransmitted(index, m_table.now_ns());
    return true;
}

void TcpConnection::output_with_sack() {
    size_t cursor = 0;
    for (;;) {
        uint32_t pipe = m_scoreboard.pipe();
        uint32_t window = m_congestion.window();
        if (pipe >= window)
            break;
        // RFC 6675 NextSeg: lost data first, then new data.
        cursor = m_scoreboard.next_lost(cursor);
        if (cursor < m_scoreboard.size()) {
            if (!retransmit_record(cursor))
                break;
            ++cursor;
            if (!m_retransmit_at)
                start_retransmit_timer();
            continue;
        }
        uint32_t outstanding = m_snd_max - m_snd_una;
        uint32_t usable = min(window - pipe, m_snd_wnd > outstanding ? m_snd_wnd - outstanding : 0);
        if (send_mtu_probe(usable))
            continue;
        if (!send_new_segment(usable))
            break;
    }
    arm_probe();
}

void TcpConnection::arm_probe() {
    // RFC 8985 7.2: while nothing is being recovered, a probe follows the last send by two
    // round trips, so a lost tail is repaired without waiting for the RTO.
    if (m_recovery_state != RecoveryState::open || m_probe_outstanding || m_snd_una == m_snd_max ||
        !m_rtt.has_sample() || !m_retransmit_at) {
        m_probe_at = 0;
        return;
    }
    uint64_t now = m_table.now_ns();
    bool lone = m_scoreboard.size() == 1;
    uint64_t timeout =
        2 * m_rtt.smoothed_ns() + (lone ? worst_case_delayed_ack : minimum_probe_slack);
    m_probe_at = min(now + timeout, m_retransmit_at);
    m_table.touch(*this);
}

void TcpConnection::on_probe_timeout() {
    m_probe_at = 0;
    if (m_recovery_state != RecoveryState::open || m_snd_una == m_snd_max ||
        m_scoreboard.is_empty())
        return;
    ++m_table.statistics().tail_loss_probes;
    // RFC 8985 7.3: new data if the peer's window allows one segment, else the last segment.
    uint32_t outstanding = m_snd_max - m_snd_una;
    uint32_t usable = m_snd_wnd > outstanding ? m_snd_wnd - outstanding : 0;
    bool sent_new = send_new_segment(min<uint32_t>(usable, static_cast<uint32_t>(payload_limit())));
    if (!sent_new) {
        size_t last = m_scoreboard.last();
        const SentSegment& segment = m_scoreboard.at(last);
        uint32_t limit = static_cast<uint32_t>(payload_limit());
        if (segment.length() > limit && m_scoreboard.split(last, segment.end - limit))
            ++last;
        if (!retransmit_record(last))
            return;
    }
    m_probe_outstanding = true;
    m_probe_retransmitted = !sent_new;
    m_probe_end = m_snd_max;
    start_retransmit_timer();
}

void TcpConnection::on_reorder_timeout() {
    m_reorder_at = 0;
    detect_losses();
    if (m_scoreboard.lost_bytes() == 0)
        return;
    if (m_recovery_state == RecoveryState::open) {
        enter_recovery();
        m_congestion.set_window(m_prr.on_ack(0, m_scoreboard.pipe(), m_mss));
    }
    output();
}

void TcpConnection::on_sack_retransmit_timeout() {
    // RFC 6675 5.1: everything not SACKed is resent from a window of one segment; the SACKed
    // data is not (the marks are dropped only if the peer reneges, RFC 2018 8).
    if (m_recovery_state == RecoveryState::loss)
        m_congestion.set_window(m_mss); // RFC 5681 3.1: a repeated timeout keeps ssthresh
    else
        m_congestion.on_timeout(m_snd_max - m_snd_una, m_table.now_ns());
    m_scoreboard.mark_all_lost(true);
    m_recovery_state = RecoveryState::loss;
    m_recovery_point = m_snd_max;
    m_probe_outstanding = false;
    m_probe_at = 0;
    m_reorder_at = 0;
    arm_undo();
    if (m_scoreboard.is_empty())
        retransmit_first();
    else
        output_with_sack();
    start_retransmit_timer();
}

} // namespace kernel::net::tcp
