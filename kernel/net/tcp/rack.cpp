#include "net/tcp/rack.h"

#include "lib/utility.h"
#include "net/tcp/sequence.h"

namespace kernel::net::tcp {

namespace {

// RFC 8985 6.2 step 2: whether a segment sent at (t1, end1) went out after one at (t2, end2).
bool sent_after(uint64_t t1, uint32_t end1, uint64_t t2, uint32_t end2) {
    return t1 > t2 || (t1 == t2 && sequence_greater(end1, end2));
}

} // namespace

void Rack::delivered(const SentSegment& segment) {
    uint64_t rtt = m_now > segment.sent_ns ? m_now - segment.sent_ns : 0;
    bool retransmitted = segment.has(segment_flag::ever_retransmitted);
    // An ACK sooner than the fastest round trip after a retransmission answers the original:
    // it says nothing of when the retransmission arrived (RFC 8985 6.2 step 2).
    if (retransmitted && m_min_rtt_valid && rtt < m_min_rtt_ns)
        return;
    if (!retransmitted) {
        if (!m_min_rtt_valid || rtt < m_min_rtt_ns)
            m_min_rtt_ns = rtt;
        m_min_rtt_valid = true;
        // Step 3: delivered below data already delivered, never resent: reordering.
        if (m_fack_valid && sequence_less(segment.end, m_fack))
            m_reordering_seen = true;
    }
    if (!m_fack_valid || sequence_greater(segment.end, m_fack))
        m_fack = segment.end;
    m_fack_valid = true;
    if (!m_valid || sent_after(segment.sent_ns, segment.end, m_sent_ns, m_end)) {
        m_sent_ns = segment.sent_ns;
        m_end = segment.end;
        m_rtt_ns = rtt;
        m_valid = true;
    }
}

void Rack::on_duplicate_sack(uint32_t snd_una, uint32_t snd_max) {
    m_reordering_seen = true;
    if (m_dsack_round_valid && sequence_less(snd_una, m_dsack_round_end))
        return;
    m_multiplier = min(m_multiplier + 1, maximum_multiplier);
    m_persist = persistence;
    m_dsack_round_end = snd_max;
    m_dsack_round_valid = true;
}

void Rack::on_recovery_end() {
    if (m_persist > 0 && --m_persist == 0)
        m_multiplier = 1;
}

uint64_t Rack::reorder_window_ns(uint64_t smoothed_rtt_ns, bool in_recovery,
                                 uint32_t sacked_segments) const {
    // RFC 8985 6.2 step 4: no window until reordering is seen, once loss is certain.
    constexpr uint32_t duplicate_threshold = 3;
    if (!m_reordering_seen && (in_recovery || sacked_segments >= duplicate_threshold))
        return 0;
    uint64_t window = m_multiplier * (m_min_rtt_ns / 4);
    return smoothed_rtt_ns ? min(window, smoothed_rtt_ns) : window;
}

size_t Rack::detect_loss(SackScoreboard& scoreboard, uint64_t now_ns, uint64_t smoothed_rtt_ns,
                         bool in_recovery, uint64_t& timeout_ns) {
    timeout_ns = 0;
    if (!m_valid)
        return 0;
    uint64_t window = reorder_window_ns(smoothed_rtt_ns, in_recovery, scoreboard.sacked_segments());
    size_t lost = 0;
    for (size_t index = 0; index < scoreboard.size(); ++index) {
        const SentSegment& segment = scoreboard.at(index);
        if (segment.has(segment_flag::sacked))
            continue;
        if (segment.has(segment_flag::lost) && !segment.has(segment_flag::retransmitted))
            continue; // already waiting to be resent
        if (!sent_after(m_sent_ns, m_end, segment.sent_ns, segment.end))
            continue;
        uint64_t deadline = segment.sent_ns + m_rtt_ns + window;
        if (deadline <= now_ns) {
            scoreboard.mark_lost(index);
            ++lost;
        } else {
            timeout_ns = max(timeout_ns, deadline - now_ns);
        }
    }
    return lost;
}

} // namespace kernel::net::tcp
