// The sender's record of every segment in flight (RFC 6675 3): where it lies, whether the peer
// SACKed it, whether it is deemed lost, whether its retransmission is in flight, and when it
// was last sent (RFC 8985 RACK times its losses from that). Kept across a retransmission
// timeout (RFC 6675 5.1) so SACKed data is never resent; cleared only when the peer reneges
// (RFC 2018 8). Records live on the heap only while data is in flight and are capped in
// number: the sender stops sending new data when the cap is reached.
#pragma once

#include "net/tcp/tcp_header.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

namespace segment_flag {
inline constexpr uint8_t sacked = 1;
inline constexpr uint8_t lost = 2;
inline constexpr uint8_t retransmitted = 4; // a retransmission of it is in flight
inline constexpr uint8_t ever_retransmitted = 8;
} // namespace segment_flag

struct SentSegment {
    uint32_t start;
    uint32_t end; // includes the FIN when it carried one
    uint64_t sent_ns;
    uint8_t flags;

    uint32_t length() const { return end - start; }
    bool has(uint8_t flag) const { return (flags & flag) != 0; }
};

// Told of each segment the peer newly holds, by cumulative ACK or SACK (RACK's input).
class DeliveryObserver {
public:
    virtual void delivered(const SentSegment& segment) = 0;

protected:
    ~DeliveryObserver() = default;
};

struct SackOutcome {
    uint32_t newly_sacked = 0; // bytes
    uint32_t ignored_blocks = 0;
    bool duplicate = false; // the first block was a D-SACK (RFC 2883 4)
    uint32_t duplicate_start = 0;
    uint32_t duplicate_end = 0;
};

class SackScoreboard {
public:
    static constexpr size_t maximum_records = 4096;

    SackScoreboard() = default;
    ~SackScoreboard();
    SackScoreboard(const SackScoreboard&) = delete;
    SackScoreboard& operator=(const SackScoreboard&) = delete;

    // New data [start, end) went out as segments of at most `segment_size` bytes, one record
    // each: a TSO send reaches the peer cut by the device, and the peer SACKs what arrived
    // segment by segment. False, recording nothing, when the cap or memory refuses a record.
    bool record_sent(uint32_t start, uint32_t end, uint32_t segment_size, uint64_t now_ns);
    bool can_record() const;
    // Forgets every record (the connection is done sending).
    void clear();
    // The record at `index` was retransmitted now.
    void record_retransmitted(size_t index, uint64_t now_ns);
    // Cuts the record at `index` so that it ends at `at` (a retransmission that must be
    // smaller than the original segment).
    bool split(size_t index, uint32_t at);

    // The cumulative ACK reached `snd_una`: drops what it covers. Returns the bytes newly
    // delivered that had not been SACKed before, and sets `first_sent_ns` to when the oldest of
    // them that was never retransmitted went out (0: none), for an RTT sample to the
    // nanosecond where timestamps count milliseconds (Karn's rule holds: never resent).
    uint32_t acknowledge(uint32_t snd_una, DeliveryObserver& observer, uint64_t& first_sent_ns);
    // The SACK blocks of an ACK whose cumulative acknowledgment is `ack`; blocks outside
    // [ack, snd_max] or malformed are ignored and counted (a receiver reports only what lies
    // above its cumulative ACK, RFC 2018 4). A late ACK's blocks may lie below SND.UNA: what
    // they report is known already.
    SackOutcome add(const SackBlock* blocks, size_t count, uint32_t ack, uint32_t snd_max,
                    DeliveryObserver& observer);

    // RFC 2018 8: the segment at SND.UNA is marked SACKed, so the peer dropped data it had
    // reported. True when so.
    bool reneged() const { return m_count > 0 && at(0).has(segment_flag::sacked); }
    // Forgets every SACK mark and deems everything not acknowledged lost (reneging, or a
    // timeout: RFC 6675 5.1 keeps the SACK marks then, so `keep_sacked`).
    void mark_all_lost(bool keep_sacked);
    void mark_lost(size_t index);
    // A spurious retransmission was undone: nothing not yet resent is deemed lost any more.
    void clear_lost();

    size_t size() const { return m_count; }
    bool is_empty() const { return m_count == 0; }
    const SentSegment& at(size_t index) const { return m_records[(m_head + index) & m_mask]; }
    // The first lost segment whose retransmission is not in flight (RFC 6675 NextSeg rule 1),
    // at or after `from`; size() when none.
    size_t next_lost(size_t from = 0) const;
    // The last segment sent, for a loss probe; size() when none.
    size_t last() const { return m_count == 0 ? 0 : m_count - 1; }

    // RFC 6675 pipe, in Linux's terms: outstanding - SACKed - lost + retransmitted.
    uint32_t pipe() const { return m_outstanding - m_sacked - m_lost + m_retransmitted; }
    uint32_t sacked_bytes() const { return m_sacked; }
    uint32_t lost_bytes() const { return m_lost; }
    uint32_t sacked_segments() const { return m_sacked_segments; }

private:
    SentSegment& record(size_t index) { return m_records[(m_head + index) & m_mask]; }
    void set_flags(SentSegment& segment, uint8_t flags);
    bool grow();
    // The first record whose end is above `sequence`.
    size_t find(uint32_t sequence) const;

    SentSegment* m_records = nullptr;
    size_t m_mask = 0; // capacity - 1, a power of two
    size_t m_head = 0;
    size_t m_count = 0;
    uint32_t m_outstanding = 0;
    uint32_t m_sacked = 0;
    uint32_t m_lost = 0;
    uint32_t m_retransmitted = 0;
    uint32_t m_sacked_segments = 0;
};

} // namespace kernel::net::tcp
