// The token bucket both ICMP layers send their errors through: a burst of `burst` errors, then
// one per `interval_ns`, as Linux's icmp_ratelimit and icmpv6_xrlim_allow bound them (RFC 1812
// 4.3.2.8, RFC 4443 2.4 f).
#pragma once

#include "lib/utility.h"

#include <stdint.h>

namespace kernel::net {

class ErrorRateLimit {
public:
    static constexpr unsigned burst = 10;
    static constexpr uint64_t interval_ns = 10'000'000;

    explicit ErrorRateLimit(uint64_t now_ns) : m_last_refill(now_ns) {}

    // True when an error may go at `now_ns`, taking a token for it.
    bool take(uint64_t now_ns) {
        uint64_t earned = (now_ns - m_last_refill) / interval_ns;
        if (earned) {
            m_tokens = static_cast<unsigned>(min<uint64_t>(burst, m_tokens + earned));
            m_last_refill += earned * interval_ns;
        }
        if (m_tokens == 0)
            return false;
        --m_tokens;
        return true;
    }

private:
    unsigned m_tokens = burst;
    uint64_t m_last_refill;
};

} // namespace kernel::net
