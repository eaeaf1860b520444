// The retransmission timeout of RFC 6298: smoothed RTT and its variation from samples (taken
// only from segments never retransmitted, Karn's rule, or from echoed timestamps), bounded to
// [200 ms, 60 s] like Linux, doubled on each timeout.
#pragma once

#include <stdint.h>

namespace kernel::net::tcp {

class RttEstimator {
public:
    static constexpr uint64_t initial_rto_ns = 1'000'000'000;
    static constexpr uint64_t minimum_rto_ns = 200'000'000;
    static constexpr uint64_t maximum_rto_ns = 60'000'000'000;

    void add_sample(uint64_t rtt_ns);
    // After a timeout: the next timeout waits twice as long.
    void back_off();
    // A new acknowledgment ends the backoff (the RTO comes from SRTT and RTTVAR again).
    void reset_backoff() { m_backoff = 0; }

    uint64_t rto_ns() const;
    bool has_sample() const { return m_has_sample; }
    // 0 before the first sample (as TCP_INFO reports it).
    uint64_t smoothed_ns() const { return m_smoothed_ns; }
    uint64_t variation_ns() const { return m_variation_ns; }
    uint64_t minimum_ns() const { return m_minimum_ns; }
    uint32_t backoff() const { return m_backoff; }

private:
    uint64_t base_rto_ns() const;

    bool m_has_sample = false;
    uint64_t m_smoothed_ns = 0;
    uint64_t m_variation_ns = 0;
    uint64_t m_minimum_ns = 0;
    uint32_t m_backoff = 0;
};

} // namespace kernel::net::tcp
