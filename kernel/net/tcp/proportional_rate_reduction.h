// Proportional rate reduction (RFC 6937): during recovery the window follows what the ACKs
// report delivered, so the sender reaches the slow-start threshold by the end of recovery in
// step with the ACK clock, rather than halving at once and falling silent (Reno) or bursting.
// Once the pipe falls below the threshold, the slow-start reduction bound (PRR-SSRB, as
// Linux) lets it grow back by at most one segment more than was delivered.
#pragma once

#include <stdint.h>

namespace kernel::net::tcp {

class ProportionalRateReduction {
public:
    // Recovery begins with `flight_size` bytes outstanding and the threshold `threshold`.
    void start(uint32_t flight_size, uint32_t threshold);
    // An ACK during recovery reported `delivered` bytes newly delivered (cumulatively or by
    // SACK), with `pipe` bytes in the network after it: returns the congestion window, the pipe
    // plus what may be sent now.
    uint32_t on_ack(uint32_t delivered, uint32_t pipe, uint32_t mss);
    void on_sent(uint32_t bytes) { m_out += bytes; }

private:
    uint64_t m_delivered = 0; // prr_delivered
    uint64_t m_out = 0;       // prr_out
    uint32_t m_recover_fs = 1;
    uint32_t m_threshold = 0;
};

} // namespace kernel::net::tcp
