#include "support/token_bucket.h"

#include <algorithm>

namespace ingot {

TokenBucket::TokenBucket(uint64_t bytes_per_second, uint64_t burst, Clock::time_point start)
    : m_rate(static_cast<double>(bytes_per_second) / 1e9), m_burst(static_cast<double>(burst)),
      m_tokens(m_burst), m_last(start) {}

std::chrono::nanoseconds TokenBucket::take(uint64_t bytes, Clock::time_point now) {
    if (now > m_last) {
        double elapsed = static_cast<double>((now - m_last).count());
        m_tokens = std::min(m_burst, m_tokens + elapsed * m_rate);
        m_last = now;
    }
    // A debt: the tokens go negative and the caller waits until they are back to zero.
    m_tokens -= static_cast<double>(bytes);
    if (m_tokens >= 0)
        return std::chrono::nanoseconds(0);
    return std::chrono::nanoseconds(static_cast<int64_t>(-m_tokens / m_rate));
}

} // namespace ingot
