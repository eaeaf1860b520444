// SYN cookies (RFC 4987 3.6), encoded as Linux encodes them: when a listener's SYN queue is
// full, the SYN-ACK's sequence number carries everything the connection needs, so the SYN
// leaves no state behind and a flood costs nothing but the answers.
//
// ISN = hash(4-tuple) + peer ISN + (minute << 24) + ((hash(4-tuple, minute) + MSS index) mod 2^24)
//
// The MSS is one of four values Linux picks from. Window scaling and SACK have no room in the
// sequence number; when the peer speaks timestamps, they ride in the low bits of our timestamp
// value, which the peer echoes in its ACK. Without timestamps the connection does without them.
#pragma once

#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

// The connection a cookie is for, seen from our side.
struct SynCookieFlow {
    IpAddress local;
    IpAddress remote;
    uint16_t local_port = 0;
    uint16_t remote_port = 0;
};

// The options a cookie's timestamp carries (Linux's cookie_init_timestamp).
struct SynCookieOptions {
    bool window_scaling = false;
    uint8_t window_scale = 0; // the peer's
    bool sack = false;
};

class SynCookies {
public:
    // A cookie stays valid for the minute it was made in and the next (Linux's
    // MAX_SYNCOOKIE_AGE).
    static constexpr uint64_t period_ns = 60'000'000'000;
    static constexpr uint32_t maximum_age = 2;
    static constexpr uint16_t mss_table[] = {536, 1300, 1440, 1460};

    // The secret comes from the caller's random source, once.
    void set_key(const uint32_t key[8]);
    bool has_key() const { return m_keyed; }

    // The sequence number of a SYN-ACK answering a SYN with `peer_isn` that offered
    // `peer_mss` (0: no option, which means 536).
    uint32_t make(const SynCookieFlow& flow, uint32_t peer_isn, uint16_t peer_mss,
                  uint64_t now_ns) const;
    // The MSS a cookie acknowledged by the peer's ACK encodes, or 0 when it is forged or stale.
    // `peer_isn` is the ACK's sequence number less one; `cookie` its acknowledgment less one.
    uint16_t check(const SynCookieFlow& flow, uint32_t peer_isn, uint32_t cookie,
                   uint64_t now_ns) const;

    // The Fast Open cookie for a client at `client` reaching us at `server` (RFC 7413 4.1.2:
    // a MAC of the client's address, here of both, under the same secret).
    static constexpr size_t fastopen_cookie_length = 8;
    void fastopen_cookie(const IpAddress& client, const IpAddress& server,
                         uint8_t (&cookie)[fastopen_cookie_length]) const;

    // Per-flow timestamp offset, so that the clock a cookie's SYN-ACK shows is the one the
    // connection goes on with (Linux's secure_tcp_ts_off: a hash of the addresses).
    uint32_t timestamp_offset(const SynCookieFlow& flow) const;
    // Our timestamp value, `clock` (ms plus offset) with the options in its low 6 bits, never
    // ahead of `clock`.
    static uint32_t encode_timestamp(uint32_t clock, const SynCookieOptions& options);
    // From the peer's echo of that value; false when the bits are not ones we could have sent.
    static bool decode_timestamp(uint32_t echo, SynCookieOptions& options);

private:
    uint32_t hash(const SynCookieFlow& flow, uint32_t count, uint32_t which) const;

    uint32_t m_key[8] = {};
    bool m_keyed = false;
};

} // namespace kernel::net::tcp
