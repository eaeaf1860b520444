// CUBIC congestion avoidance (RFC 9438), the window growth Linux uses by default: after a
// congestion event the window follows W_cubic(t) = C (t - K)^3 + W_max (section 4.2), a
// concave climb back to the window where the loss happened and a convex probe beyond it, never
// slower than Reno would grow (section 4.3). Slow start and the loss recovery stay with the
// caller (CongestionControl and the connection's recovery); this keeps the curve's state.
//
// Windows are in bytes, as the connection counts them; the curve's arithmetic is integer and
// fixed point (the kernel has no floating point): time in 1/1024 s, segments in 1/1024.
#pragma once

#include <stdint.h>

namespace kernel::net::tcp {

class Cubic {
public:
    // Fixed point of the curve: 2^10 time units a second (as Linux's BICTCP_HZ).
    static constexpr uint32_t time_shift = 10;

    // A connection (or a switch to CUBIC) with this MSS: no congestion event seen yet.
    void start(uint32_t mss);

    // Congestion avoidance: `acked` bytes newly acknowledged while the window was `window`;
    // `rtt_ns` a round-trip sample, or 0. Returns the new window (sections 4.3 to 4.5).
    uint32_t on_ack(uint32_t window, uint32_t acked, uint64_t now_ns, uint64_t rtt_ns);
    // A loss or ECN echo with this window and flight (sections 4.6 and 4.7): returns the new
    // slow-start threshold; the recovery brings the window down to it.
    uint32_t on_congestion_event(uint32_t window, uint32_t in_flight);
    // The retransmission timer fired (section 4.8): returns the new slow-start threshold, and
    // the next avoidance stage starts a curve with K = 0 from the window it begins with.
    uint32_t on_timeout(uint32_t window, uint32_t in_flight);

    // W_cubic(t) in bytes, t in 1/1024 s since the avoidance stage began (section 4.2).
    uint32_t curve_window(uint64_t t) const;
    // K in 1/1024 s (Figure 2), for the stage under way.
    uint64_t k() const { return m_k; }
    uint32_t w_max() const { return m_w_max; }
    uint32_t reno_estimate() const { return m_w_est; }
    uint64_t min_rtt_ns() const { return m_min_rtt_ns; }

    // ∛x rounded down, for K: exact integer arithmetic, 3 bits at a time.
    static uint64_t cube_root(uint64_t x);

private:
    uint32_t reduced_threshold(uint32_t window, uint32_t in_flight) const;
    void begin_epoch(uint32_t window, uint64_t now_ns);

    uint32_t m_mss = 536;
    // W_max (section 4.6): the window just before the last reduction, lowered by fast
    // convergence (section 4.7); 0 when there is none (a new connection, or after a timeout),
    // and the curve starts at its inflection point from the window of the stage's start.
    uint32_t m_w_max = 0;
    uint32_t m_cwnd_prior = 0; // the window before the last reduction (section 4.3's alpha)
    bool m_in_epoch = false;   // an avoidance stage is under way
    uint64_t m_epoch_start_ns = 0;
    uint64_t m_k = 0;
    uint32_t m_origin = 0; // the curve's plateau: W_max, or the start's window when above it
    // W_est (section 4.3), bytes and a remainder in (bytes * MSS * 9) / (17 * window) units.
    uint32_t m_w_est = 0;
    uint64_t m_w_est_credit = 0;
    uint64_t m_growth_credit = 0; // (target - window) * acked not yet worth a byte
    uint64_t m_min_rtt_ns = 0;    // 0: no sample yet
};

} // namespace kernel::net::tcp
