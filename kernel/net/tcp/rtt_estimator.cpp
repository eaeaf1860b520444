#include "net/tcp/rtt_estimator.h"

#include "lib/utility.h"

namespace kernel::net::tcp {

void RttEstimator::add_sample(uint64_t rtt_ns) {
    if (!m_has_sample || rtt_ns < m_minimum_ns)
        m_minimum_ns = rtt_ns;
    if (!m_has_sample) {
        m_smoothed_ns = rtt_ns;
        m_variation_ns = rtt_ns / 2;
        m_has_sample = true;
        return;
    }
    // RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, then SRTT = 7/8 SRTT + 1/8 R.
    uint64_t deviation = rtt_ns > m_smoothed_ns ? rtt_ns - m_smoothed_ns : m_smoothed_ns - rtt_ns;
    m_variation_ns = (3 * m_variation_ns + deviation) / 4;
    m_smoothed_ns = (7 * m_smoothed_ns + rtt_ns) / 8;
}

void RttEstimator::back_off() {
    if (m_backoff < 16)
        ++m_backoff;
}

uint64_t RttEstimator::base_rto_ns() const {
    if (!m_has_sample)
        return initial_rto_ns;
    // The clock granularity G is finer than the variation term here, so 4 * RTTVAR stands.
    return m_smoothed_ns + 4 * m_variation_ns;
}

uint64_t RttEstimator::rto_ns() const {
    uint64_t rto = max(base_rto_ns(), minimum_rto_ns);
    for (uint32_t step = 0; step < m_backoff && rto < maximum_rto_ns; ++step)
        rto *= 2;
    return min(rto, maximum_rto_ns);
}

} // namespace kernel::net::tcp
