#include "net/tcp/fast_recovery.h"

#include "lib/utility.h"
#include "net/tcp/sequence.h"

namespace kernel::net::tcp {

void FastRecovery::start(uint32_t mss) {
    m_mss = mss;
    m_duplicate_acks = 0;
    m_in_recovery = false;
    m_recover_valid = false;
}

bool FastRecovery::on_new_ack(CongestionControl& congestion, uint32_t acked, uint32_t ack,
                              uint32_t in_flight_before, uint64_t now_ns, uint64_t rtt_ns) {
    m_duplicate_acks = 0;
    if (!m_in_recovery) {
        congestion.on_ack(acked, in_flight_before, now_ns, rtt_ns);
        return false;
    }
    if (sequence_greater_equal(ack, m_recover)) {
        // Full acknowledgment: deflate to the threshold (RFC 6582 3.2 step 3, option 1),
        // bounded by what is still in flight so no burst follows.
        uint32_t in_flight_after = in_flight_before > acked ? in_flight_before - acked : 0;
        congestion.set_window(
            min(congestion.slow_start_threshold(), max(in_flight_after, m_mss) + m_mss));
        m_in_recovery = false;
        return false;
    }
    // Partial acknowledgment: deflate by what was acked, add back one segment (step 4).
    uint32_t window = congestion.window();
    window = window > acked ? window - acked : m_mss;
    if (acked >= m_mss)
        window += m_mss;
    congestion.set_window(window);
    return true;
}

bool FastRecovery::on_duplicate_ack(CongestionControl& congestion, uint32_t in_flight,
                                    uint32_t highest_sent, uint32_t snd_una, uint64_t now_ns) {
    if (m_in_recovery) {
        congestion.set_window(congestion.window() + m_mss); // a segment left the network
        return false;
    }
    ++m_duplicate_acks;
    if (m_duplicate_acks != 3)
        return false;
    // RFC 6582 4.1: a new recovery only once the previous one's data has all been acknowledged.
    if (m_recover_valid && sequence_less_equal(snd_una, m_recover))
        return false;
    uint32_t threshold = congestion.on_congestion_event(in_flight, now_ns);
    congestion.set_window(threshold + 3 * m_mss);
    m_recover = highest_sent;
    m_recover_valid = true;
    m_in_recovery = true;
    return true;
}

void FastRecovery::on_timeout(uint32_t highest_sent) {
    m_in_recovery = false;
    m_duplicate_acks = 0;
    m_recover = highest_sent;
    m_recover_valid = true;
}

} // namespace kernel::net::tcp
