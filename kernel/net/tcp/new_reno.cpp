#include "net/tcp/new_reno.h"

#include "lib/utility.h"
#include "net/tcp/sequence.h"

namespace kernel::net::tcp {

void NewReno::start(uint32_t mss) {
    m_mss = mss;
    m_window = min(10 * mss, max(2 * mss, 14600u));
    m_threshold = 0xffffffff;
    m_duplicate_acks = 0;
    m_in_recovery = false;
    m_recover_valid = false;
    m_avoidance_bytes = 0;
}

bool NewReno::on_new_ack(uint32_t acked, uint32_t ack, uint32_t in_flight_before) {
    m_duplicate_acks = 0;
    if (m_in_recovery) {
        if (sequence_greater_equal(ack, m_recover)) {
            // Full acknowledgment: deflate to the threshold (RFC 6582 step 3, option 1 bounded
            // by what is still in flight so no burst follows).
            uint32_t in_flight_after = in_flight_before > acked ? in_flight_before - acked : 0;
            m_window = min(m_threshold, max(in_flight_after, m_mss) + m_mss);
            m_in_recovery = false;
            return false;
        }
        // Partial acknowledgment: deflate by what was acked, add back one segment.
        m_window = m_window > acked ? m_window - acked : m_mss;
        if (acked >= m_mss)
            m_window += m_mss;
        return true;
    }
    if (m_window < m_threshold) {
        // Every byte acknowledged counts, up to the threshold, as Linux's tcp_slow_start()
        // counts every segment: a receiver that takes a 64 KiB TSO segment whole answers it
        // with one stretch ACK, which would otherwise grow the window by one segment.
        m_window = min(m_window + acked, max(m_threshold, m_window + m_mss));
        return false;
    }
    m_avoidance_bytes += acked;
    if (m_avoidance_bytes >= m_window) {
        m_avoidance_bytes -= m_window;
        m_window += m_mss;
    }
    return false;
}

bool NewReno::on_duplicate_ack(uint32_t in_flight, uint32_t highest_sent, uint32_t snd_una) {
    if (m_in_recovery) {
        m_window += m_mss; // each duplicate means a segment left the network
        return false;
    }
    ++m_duplicate_acks;
    if (m_duplicate_acks != 3)
        return false;
    // RFC 6582: a new recovery only once the previous one's data has all been acknowledged.
    if (m_recover_valid && sequence_less_equal(snd_una, m_recover))
        return false;
    m_threshold = max(in_flight / 2, 2 * m_mss);
    m_window = m_threshold + 3 * m_mss;
    m_recover = highest_sent;
    m_recover_valid = true;
    m_in_recovery = true;
    m_avoidance_bytes = 0;
    return true;
}

void NewReno::on_timeout(uint32_t in_flight, uint32_t highest_sent) {
    m_threshold = max(in_flight / 2, 2 * m_mss);
    m_window = m_mss;
    m_in_recovery = false;
    m_duplicate_acks = 0;
    m_recover = highest_sent;
    m_recover_valid = true;
    m_avoidance_bytes = 0;
}

} // namespace kernel::net::tcp
