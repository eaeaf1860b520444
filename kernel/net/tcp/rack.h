// RACK (RFC 8985 6): a segment is deemed lost once a segment sent after it has been delivered
// and more than the latest round trip plus a reordering window has passed since it was sent,
// so losses are found by time rather than by counting duplicate ACKs, lost retransmissions
// included. The window starts at a quarter of the minimum RTT once reordering has been seen,
// and widens with each round trip that brings a D-SACK (RFC 8985 6.2 step 4).
#pragma once

#include "net/tcp/sack_scoreboard.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class Rack final : public DeliveryObserver {
public:
    // An ACK arrives at `now_ns`: the deliveries it reports follow.
    void begin_ack(uint64_t now_ns) { m_now = now_ns; }
    void delivered(const SentSegment& segment) override;
    // A D-SACK arrived while SND.UNA was `snd_una`: the window widens, once per round trip.
    void on_duplicate_sack(uint32_t snd_una, uint32_t snd_max);
    // A recovery ended; after 16 without D-SACKs the window returns to its base.
    void on_recovery_end();

    // Marks the segments RACK deems lost; returns how many, and sets `timeout_ns` to the time
    // until the next one would be (0: none is waiting), for the reorder timer.
    size_t detect_loss(SackScoreboard& scoreboard, uint64_t now_ns, uint64_t smoothed_rtt_ns,
                       bool in_recovery, uint64_t& timeout_ns);

    uint64_t min_rtt_ns() const { return m_min_rtt_ns; }
    uint64_t reorder_window_ns(uint64_t smoothed_rtt_ns, bool in_recovery,
                               uint32_t sacked_segments) const;

private:
    static constexpr uint32_t maximum_multiplier = 16;
    static constexpr uint32_t persistence = 16; // recoveries

    uint64_t m_now = 0;
    bool m_valid = false;
    uint64_t m_sent_ns = 0; // RACK.xmit_ts: the latest send time among delivered segments
    uint32_t m_end = 0;     // RACK.end_seq
    uint64_t m_rtt_ns = 0;  // RACK.rtt
    uint64_t m_min_rtt_ns = 0;
    bool m_min_rtt_valid = false;
    uint32_t m_fack = 0; // the highest sequence delivered
    bool m_fack_valid = false;
    bool m_reordering_seen = false;
    uint32_t m_multiplier = 1;
    uint32_t m_persist = 0;
    uint32_t m_dsack_round_end = 0;
    bool m_dsack_round_valid = false;
};

} // namespace kernel::net::tcp
