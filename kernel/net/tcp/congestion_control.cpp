#include "net/tcp/congestion_control.h"

#include "lib/utility.h"

namespace kernel::net::tcp {

void CongestionControl::start(uint32_t mss, CongestionAlgorithm algorithm) {
    m_algorithm = algorithm;
    m_mss = mss;
    m_window = min(10 * mss, max(2 * mss, 14600u));
    m_threshold = 0xffffffff;
    m_avoidance_bytes = 0;
    m_prior_window = 0;
    m_prior_threshold = 0;
}

void CongestionControl::set_algorithm(CongestionAlgorithm algorithm) {
    m_algorithm = algorithm;
    m_avoidance_bytes = 0;
}

void CongestionControl::on_ack(uint32_t acked, uint32_t, uint64_t, uint64_t) {
    if (in_slow_start()) {
        // Every byte acknowledged counts, up to the threshold, as Linux's tcp_slow_start()
        // counts every segment (RFC 3465 without its L limit): a receiver that takes a 64 KiB
        // TSO segment whole answers it with one stretch ACK, which would otherwise grow the
        // window by a single segment.
        m_window = min(m_window + acked, max(m_threshold, m_window + m_mss));
        return;
    }
    // Congestion avoidance: one segment per window's worth of acknowledged bytes (RFC 5681
    // 3.1, equation 3's byte-counting form).
    m_avoidance_bytes += acked;
    if (m_avoidance_bytes >= m_window) {
        m_avoidance_bytes -= m_window;
        m_window += m_mss;
    }
}

uint32_t CongestionControl::reduced_threshold(uint32_t in_flight) const {
    return max(in_flight / 2, 2 * m_mss); // RFC 5681 equation 4
}

void CongestionControl::save() {
    m_prior_window = m_window;
    m_prior_threshold = m_threshold;
}

uint32_t CongestionControl::on_congestion_event(uint32_t in_flight, uint64_t) {
    save();
    m_threshold = reduced_threshold(in_flight);
    m_avoidance_bytes = 0;
    return m_threshold;
}

void CongestionControl::set_window(uint32_t window) {
    m_window = max(window, m_mss);
}

void CongestionControl::on_timeout(uint32_t in_flight, uint64_t) {
    save();
    m_threshold = reduced_threshold(in_flight);
    m_window = m_mss;
    m_avoidance_bytes = 0;
}

void CongestionControl::undo() {
    if (m_prior_window == 0)
        return;
    // As Linux's tcp_undo_cwnd_reduction: never below what the connection has now.
    m_window = max(m_window, m_prior_window);
    m_threshold = max(m_threshold, m_prior_threshold);
    m_prior_window = 0;
}

} // namespace kernel::net::tcp
