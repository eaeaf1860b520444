// A token bucket of bytes: up to `burst` at once, then `rate` per second on average. It only
// says how long to hold output back; nothing is dropped.
#pragma once

#include <chrono>
#include <cstdint>

namespace ingot {

class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;

    // The bucket starts full at `start`.
    TokenBucket(uint64_t bytes_per_second, uint64_t burst, Clock::time_point start);

    // `bytes` go out at `now`: how long to wait first so that they keep to the rate (zero
    // while the burst lasts). They count as sent.
    std::chrono::nanoseconds take(uint64_t bytes, Clock::time_point now);

private:
    double m_rate;  // bytes per nanosecond
    double m_burst; // bytes
    double m_tokens;
    Clock::time_point m_last;
};

} // namespace ingot
