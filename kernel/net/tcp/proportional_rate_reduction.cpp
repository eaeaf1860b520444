#include "net/tcp/proportional_rate_reduction.h"

#include "lib/utility.h"

namespace kernel::net::tcp {

void ProportionalRateReduction::start(uint32_t flight_size, uint32_t threshold) {
    m_delivered = 0;
    m_out = 0;
    m_recover_fs = max(flight_size, 1u);
    m_threshold = threshold;
}

uint32_t ProportionalRateReduction::on_ack(uint32_t delivered, uint32_t pipe, uint32_t mss) {
    m_delivered += delivered;
    int64_t send_count;
    if (pipe > m_threshold) {
        // RFC 6937 3.1: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out.
        uint64_t allowed = (m_delivered * m_threshold + m_recover_fs - 1) / m_recover_fs;
        send_count = static_cast<int64_t>(allowed) - static_cast<int64_t>(m_out);
    } else {
        // PRR-SSRB: ACK-clocked slow start back up to the threshold.
        int64_t owed = static_cast<int64_t>(m_delivered) - static_cast<int64_t>(m_out);
        int64_t limit = max<int64_t>(owed, delivered) + mss;
        send_count = min<int64_t>(m_threshold - pipe, limit);
    }
    if (send_count < 0)
        send_count = 0;
    // The retransmission that starts recovery goes at once (as Linux's tcp_cwnd_reduction).
    if (m_out == 0 && send_count < mss)
        send_count = mss;
    return pipe + static_cast<uint32_t>(send_count);
}

} // namespace kernel::net::tcp
