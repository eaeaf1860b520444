// Congestion control: how large the congestion window is and how it grows and shrinks (RFC 5681
// for Reno, RFC 9438 for CUBIC; the algorithm is per connection, as Linux's TCP_CONGESTION). It
// only keeps the window and the slow-start threshold; loss detection and recovery (which segments
// to resend, how the window is paced down during recovery) belong to the connection's recovery,
// which calls on_congestion_event when it finds a loss and set_window while it recovers.
#pragma once

#include "net/tcp/cubic.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

enum class CongestionAlgorithm : uint8_t {
    reno,
    cubic,
};

// New connections use CUBIC, as Linux does by default.
inline constexpr CongestionAlgorithm default_congestion_algorithm = CongestionAlgorithm::cubic;

// TCP_CONGESTION's names ("reno", "cubic"), at most TCP_CA_NAME_MAX bytes with the NUL.
inline constexpr size_t congestion_name_max = 16;
const char* congestion_algorithm_name(CongestionAlgorithm algorithm);
// The algorithm `name` (NUL-terminated within `length` bytes, or exactly `length` long)
// names; false when none.
bool congestion_algorithm_named(const char* name, size_t length, CongestionAlgorithm& algorithm);

class CongestionControl {
public:
    // RFC 6928's initial window, in segments (of at most 14,600 bytes in all).
    static constexpr uint32_t initial_window_segments = 10;
    // A new connection with this sender MSS: the initial window of RFC 6928.
    void start(uint32_t mss, CongestionAlgorithm algorithm);
    CongestionAlgorithm algorithm() const { return m_algorithm; }
    // TCP_CONGESTION on a live connection: the window carries over, the algorithm's own state
    // starts afresh (as Linux's tcp_reinit_congestion_control).
    void set_algorithm(CongestionAlgorithm algorithm);

    uint32_t window() const { return m_window; }
    uint32_t slow_start_threshold() const { return m_threshold; }
    bool in_slow_start() const { return m_window < m_threshold; }

    // `acked` bytes were newly acknowledged outside loss recovery, with `in_flight` bytes
    // outstanding before the ACK; `rtt_ns` is the ACK's round-trip sample, or 0.
    void on_ack(uint32_t acked, uint32_t in_flight, uint64_t now_ns, uint64_t rtt_ns);
    // Loss recovery begins (RFC 5681 3.2 step 2): lowers the threshold and returns it. The
    // window is left to the recovery, which sets it with set_window as it goes.
    uint32_t on_congestion_event(uint32_t in_flight, uint64_t now_ns);
    void set_window(uint32_t window);
    // The retransmission timer fired (RFC 5681 3.1): one segment, and a lowered threshold.
    void on_timeout(uint32_t in_flight, uint64_t now_ns);
    // The last congestion event or timeout was spurious (RFC 4015 3.2 and RFC 9438 4.9): the
    // window and threshold from before it come back.
    void undo();

    // CUBIC's curve, for tests and TCP_INFO.
    const Cubic& cubic() const { return m_cubic; }

private:
    uint32_t reduced_threshold(uint32_t in_flight) const;
    void save();

    CongestionAlgorithm m_algorithm = CongestionAlgorithm::reno;
    uint32_t m_mss = 536;
    uint32_t m_window = 0;
    uint32_t m_threshold = 0xffffffff;
    uint32_t m_avoidance_bytes = 0; // acknowledged since the window last grew in avoidance
    uint32_t m_prior_window = 0;    // before the last reduction, for undo
    uint32_t m_prior_threshold = 0;
    Cubic m_cubic;
    Cubic m_prior_cubic; // RFC 9438 4.9: undo restores W_max, K and the epoch too
};

} // namespace kernel::net::tcp
