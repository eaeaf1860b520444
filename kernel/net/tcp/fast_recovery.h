// Loss recovery by duplicate acknowledgments: RFC 5681 3.2 fast retransmit, and RFC 6582's
// NewReno fast recovery that stays in recovery across partial acknowledgments. It decides
// when a loss is declared and sets the congestion window while recovering; the connection
// decides what to retransmit.
#pragma once

#include "net/tcp/congestion_control.h"

#include <stdint.h>

namespace kernel::net::tcp {

class FastRecovery {
public:
    void start(uint32_t mss);

    bool in_recovery() const { return m_in_recovery; }

    // `acked` new bytes were acknowledged, `ack` the new SND.UNA. Returns true for a partial
    // acknowledgment during recovery: the caller retransmits the next hole at once. Outside
    // recovery the congestion window grows.
    bool on_new_ack(CongestionControl& congestion, uint32_t acked, uint32_t ack,
                    uint32_t in_flight_before, uint64_t now_ns, uint64_t rtt_ns);
    // A duplicate acknowledgment; returns true on the third, when the caller fast-retransmits.
    bool on_duplicate_ack(CongestionControl& congestion, uint32_t in_flight, uint32_t highest_sent,
                          uint32_t snd_una, uint64_t now_ns);
    // The retransmission timer fired: recovery ends, and a new one waits for `highest_sent`.
    void on_timeout(uint32_t highest_sent);

private:
    uint32_t m_mss = 536;
    uint32_t m_duplicate_acks = 0;
    bool m_in_recovery = false;
    uint32_t m_recover = 0; // highest sequence sent when recovery (or a timeout) began
    bool m_recover_valid = false;
};

} // namespace kernel::net::tcp
