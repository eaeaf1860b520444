// Congestion control: NewReno (RFC 5681 slow start and congestion avoidance, RFC 6582 fast
// recovery that stays in recovery across partial acknowledgments), with the initial window of
// RFC 6928. It only keeps the window; the connection decides what to retransmit when.
#pragma once

#include <stdint.h>

namespace kernel::net::tcp {

class NewReno {
public:
    void start(uint32_t mss);

    uint32_t window() const { return m_window; }
    uint32_t slow_start_threshold() const { return m_threshold; }
    bool in_recovery() const { return m_in_recovery; }

    // `acked` new bytes were acknowledged, `ack` the new SND.UNA. Returns true for a partial
    // acknowledgment during recovery: the caller retransmits the next hole at once.
    bool on_new_ack(uint32_t acked, uint32_t ack, uint32_t in_flight_before);
    // A duplicate acknowledgment; returns true on the third, when the caller fast-retransmits.
    bool on_duplicate_ack(uint32_t in_flight, uint32_t highest_sent, uint32_t snd_una);
    // The retransmission timer fired: back to one segment, slow start to half the flight.
    void on_timeout(uint32_t in_flight, uint32_t highest_sent);

private:
    uint32_t m_mss = 536;
    uint32_t m_window = 0;
    uint32_t m_threshold = 0xffffffff;
    uint32_t m_duplicate_acks = 0;
    bool m_in_recovery = false;
    uint32_t m_recover = 0; // highest sequence sent when recovery (or a timeout) began
    bool m_recover_valid = false;
    uint32_t m_avoidance_bytes = 0;
};

} // namespace kernel::net::tcp
