#include "net/tcp/cubic.h"

#include "lib/utility.h"

namespace kernel::net::tcp {

namespace {

constexpr uint64_t nanoseconds_per_second = 1'000'000'000;
// beta_cubic = 0.7 (section 4.6) and the fast-convergence factor (1 + beta_cubic) / 2 = 0.85
// (section 4.7), as fractions.
constexpr uint64_t beta_numerator = 7, beta_denominator = 10;
constexpr uint64_t convergence_numerator = 17, convergence_denominator = 20;
// alpha_cubic = 3 (1 - beta_cubic) / (1 + beta_cubic) = 9/17 (section 4.3); 17/17 = 1 once
// W_est has reached the window before the reduction.
constexpr uint64_t alpha_denominator = 17;
constexpr uint64_t alpha_reno_friendly = 9;
// Beyond about 17 minutes from K the curve exceeds any window; clamping |t - K| there keeps
// its cube within 64 bits.
constexpr uint64_t max_offset = uint64_t(1) << 20;

uint64_t to_curve_time(uint64_t ns) {
    return (ns << Cubic::time_shift) / nanoseconds_per_second;
}

uint32_t saturate(uint64_t bytes) {
    return static_cast<uint32_t>(min<uint64_t>(bytes, 0xffffffff));
}

} // namespace

uint64_t Cubic::cube_root(uint64_t x) {
    // Digit by digit in base 8 (Hacker's Delight 11-2): y doubles each step and takes the next
    // bit when (2y + 1)^3 still fits, the difference being 3y(y + 1) + 1 times the place value.
    uint64_t y = 0;
    for (int shift = 63; shift >= 0; shift -= 3) {
        y *= 2;
        uint64_t step = 3 * y * (y + 1) + 1;
        if ((x >> shift) >= step) {
            x -= step << shift;
            ++y;
        }
    }
    return y;
}

void Cubic::start(uint32_t mss) {
    uint64_t min_rtt_ns = m_min_rtt_ns; // a property of the path, not of the stage
    *this = Cubic{};
    m_mss = mss;
    m_min_rtt_ns = min_rtt_ns;
}

uint32_t Cubic::curve_window(uint64_t t) const {
    uint64_t offset = min(t > m_k ? t - m_k : m_k - t, max_offset);
    // C (t - K)^3 with C = 0.4 segments/s^3: offset^3 is in 2^-30 s^3, the product in 2^-10
    // segments.
    uint64_t segments = 4 * offset * offset * offset / 10 >> (2 * time_shift);
    uint64_t delta = segments * m_mss >> time_shift;
    if (t > m_k)
        return saturate(m_origin + delta);
    return m_origin > delta ? static_cast<uint32_t>(m_origin - delta) : 0;
}

void Cubic::begin_epoch(uint32_t window, uint64_t now_ns) {
    m_in_epoch = true;
    m_epoch_start_ns = now_ns;
    m_w_est = window; // section 4.3: W_est starts at cwnd_epoch
    m_w_est_credit = 0;
    m_growth_credit = 0;
    if (m_w_max > window) {
        // Figure 2: K = ∛((W_max - cwnd_epoch) / C), here ∛(segments * 2.5 * 2^30) in 2^-10 s.
        uint64_t segments = (uint64_t(m_w_max - window) << time_shift) / m_mss;
        m_k = cube_root(segments * 5 << (2 * time_shift - 1));
        m_origin = m_w_max;
    } else {
        // Past W_max already, or none (a new connection, section 4.8 after a timeout): the
        // curve starts at its inflection point, K = 0, W_max = the window now.
        m_k = 0;
        m_origin = window;
    }
}

uint32_t Cubic::on_ack(uint32_t window, uint32_t acked, uint64_t now_ns, uint64_t rtt_ns) {
    if (rtt_ns && (!m_min_rtt_ns || rtt_ns < m_min_rtt_ns))
        m_min_rtt_ns = rtt_ns;
    if (!m_in_epoch)
        begin_epoch(window, now_ns);
    window = max(window, m_mss);
    uint64_t t = to_curve_time(now_ns - m_epoch_start_ns);

    // Section 4.3: W_est grows by alpha_cubic segments per window acknowledged.
    uint64_t alpha = m_w_est >= m_cwnd_prior ? alpha_denominator : alpha_reno_friendly;
    uint64_t estimate_unit = alpha_denominator * window;
    m_w_est_credit += alpha * acked * m_mss;
    m_w_est = saturate(m_w_est + m_w_est_credit / estimate_unit);
    m_w_est_credit %= estimate_unit;
    if (curve_window(t) < m_w_est)
        return max(window, m_w_est); // the Reno-friendly region

    // Sections 4.4 and 4.5: aim at the curve one RTT ahead, no lower than the window and no
    // higher than 1.5 times it, and close (target - cwnd) / cwnd of the gap per segment acked.
    uint64_t target = curve_window(t + to_curve_time(m_min_rtt_ns));
    target = min<uint64_t>(max<uint64_t>(target, window), uint64_t(window) * 3 / 2);
    m_growth_credit += (target - window) * acked;
    uint64_t growth = m_growth_credit / window;
    m_growth_credit %= window;
    return saturate(window + growth);
}

uint32_t Cubic::reduced_threshold(uint32_t window, uint32_t in_flight) const {
    // Section 4.6: ssthresh = flight_size * beta_cubic; the window when the connection had more
    // in flight than the window allows now.
    uint64_t base = min(window, in_flight);
    return max(saturate(base * beta_numerator / beta_denominator), 2 * m_mss);
}

uint32_t Cubic::on_congestion_event(uint32_t window, uint32_t in_flight) {
    m_in_epoch = false;
    // Section 4.7: a flow whose window peaks lower than last time releases bandwidth to newer
    // flows by aiming its plateau below the window where it lost.
    if (window < m_w_max)
        m_w_max = saturate(uint64_t(window) * convergence_numerator / convergence_denominator);
    else
        m_w_max = window;
    m_cwnd_prior = window;
    return reduced_threshold(window, in_flight);
}

uint32_t Cubic::on_timeout(uint32_t window, uint32_t in_flight) {
    uint32_t threshold = on_congestion_event(window, in_flight);
    m_w_max = 0; // section 4.8: the next stage starts its curve with K = 0
    return threshold;
}

} // namespace kernel::net::tcp
