// CUBIC (RFC 9438) against its own equations: the curve's shape after a loss, the
// Reno-friendly region, fast convergence, timeouts and undo; and the dispatch between
// algorithms in CongestionControl.
#include "net/tcp/congestion_control.h"
#include "net/tcp/cubic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace {

using kernel::net::tcp::CongestionAlgorithm;
using kernel::net::tcp::CongestionControl;
using kernel::net::tcp::Cubic;

constexpr uint32_t mss = 1000;
constexpr uint64_t ms = 1'000'000;
constexpr uint64_t seconds = 1000 * ms;

// RFC 9438 Figure 1 in segments, t in seconds since the stage began.
double w_cubic(double t, double k, double w_max) {
    return 0.4 * std::pow(t - k, 3) + w_max;
}

// One round trip: the whole window acknowledged segment by segment, the ACKs spread over it.
uint64_t ack_round(CongestionControl& congestion, uint64_t now, uint64_t rtt) {
    uint32_t segments = congestion.window() / mss;
    for (uint32_t segment = 0; segment < segments; ++segment)
        congestion.on_ack(mss, congestion.window(), now + rtt * segment / segments, rtt);
    return now + rtt;
}

// A CUBIC connection that has just lost at `window` and been brought down to its threshold.
CongestionControl after_loss(uint32_t window) {
    CongestionControl congestion;
    congestion.start(mss, CongestionAlgorithm::cubic);
    congestion.set_window(window);
    uint32_t threshold = congestion.on_congestion_event(window, 0);
    congestion.set_window(threshold);
    return congestion;
}

TEST(TcpCubic, CubeRootIsExactlyTheFloor) {
    for (uint64_t x : {0ull, 1ull, 7ull, 8ull, 26ull, 27ull, 999'999ull, 1'000'000ull,
                       (1ull << 62) + 12345, 1ull << 63, ~0ull}) {
        uint64_t y = Cubic::cube_root(x);
        EXPECT_LE(static_cast<unsigned __int128>(y) * y * y, x) << x;
        EXPECT_GT(static_cast<unsigned __int128>(y + 1) * (y + 1) * (y + 1), x) << x;
    }
}

TEST(TcpCubic, MultiplicativeDecreaseIsBetaOfTheWindow) {
    CongestionControl congestion;
    congestion.start(mss, CongestionAlgorithm::cubic);
    congestion.set_window(100 * mss);
    // RFC 9438 4.6: ssthresh = 0.7 of the flight (the window when cwnd-limited).
    EXPECT_EQ(congestion.on_congestion_event(100 * mss, 0), 70 * mss);
    EXPECT_EQ(congestion.cubic().w_max(), 100 * mss);
    congestion.set_window(100 * mss);
    EXPECT_EQ(congestion.on_congestion_event(40 * mss, 0), 28 * mss); // application-limited
    congestion.set_window(2 * mss);
    EXPECT_EQ(congestion.on_congestion_event(2 * mss, 0), 2 * mss); // never below 2 segments
}

TEST(TcpCubic, WindowFollowsTheCurveConcaveThenConvex) {
    // A large window on a 100 ms path, where the curve rather than the Reno estimate rules.
    CongestionControl congestion = after_loss(1000 * mss);
    ASSERT_EQ(congestion.window(), 700 * mss);
    ASSERT_FALSE(congestion.in_slow_start());
    constexpr uint64_t rtt = 100 * ms;
    uint64_t start = 10 * seconds;
    uint64_t now = ack_round(congestion, start, rtt);
    // Figure 2: K = cbrt((1000 - 700) / 0.4) = 9.086 s, in 1/1024 s.
    double k = std::cbrt(300 / 0.4);
    EXPECT_NEAR(static_cast<double>(congestion.cubic().k()), k * 1024, 1.0);

    uint32_t previous = congestion.window();
    uint32_t previous_growth = 100 * mss;
    while (now - start < 9 * seconds) {
        now = ack_round(congestion, now, rtt);
        double t = static_cast<double>(now - start) / seconds;
        // The window tracks the curve within a few segments (it aims one RTT ahead).
        EXPECT_NEAR(congestion.window() / double(mss), w_cubic(t, k, 1000), 8) << t;
        uint32_t growth = congestion.window() - previous;
        EXPECT_LE(growth, previous_growth + mss) << t; // concave: slowing towards W_max
        EXPECT_LT(congestion.window(), 1000 * mss) << t;
        previous_growth = growth;
        previous = congestion.window();
    }
    uint32_t plateau_growth = previous_growth;
    while (now - start < 14 * seconds) {
        now = ack_round(congestion, now, rtt);
        double t = static_cast<double>(now - start) / seconds;
        EXPECT_NEAR(congestion.window() / double(mss), w_cubic(t, k, 1000), 8) << t;
    }
    // Flat at the plateau, then convex beyond W_max: faster and faster away from it.
    EXPECT_LT(plateau_growth, mss / 2);
    EXPECT_GT(congestion.window(), 1040 * mss);
    uint32_t before = congestion.window();
    now = ack_round(congestion, now, rtt);
    EXPECT_GT(congestion.window() - before, 2 * mss);
}

TEST(TcpCubic, GrowthPerRoundIsBoundedByHalfTheWindow) {
    // Far beyond K the curve is far above the window: RFC 9438 4.4 caps the target at 1.5 cwnd.
    CongestionControl congestion = after_loss(20 * mss);
    uint64_t now = ack_round(congestion, 0, 100 * ms);
    now += 100 * seconds; // an idle stretch: t - K is huge
    uint32_t before = congestion.window();
    ack_round(congestion, now, 100 * ms);
    EXPECT_GT(congestion.window(), before);
    EXPECT_LE(congestion.window(), before + before / 2 + mss);
}

TEST(TcpCubic, RenoFriendlyRegionDominatesOnShortRoundTrips) {
    CongestionControl congestion = after_loss(100 * mss);
    constexpr uint64_t rtt = 1 * ms;
    uint64_t now = ack_round(congestion, 0, rtt);
    for (int round = 0; round < 200; ++round)
        now = ack_round(congestion, now, rtt);
    // 0.2 s in, the curve is still far below W_max; W_est grew alpha_cubic = 9/17 segment per
    // RTT up to the old window, then 1 (RFC 9438 4.3), and the window follows it.
    uint64_t t = (now << Cubic::time_shift) / seconds;
    EXPECT_LT(congestion.cubic().curve_window(t), 80 * mss);
    EXPECT_EQ(congestion.window(), congestion.cubic().reno_estimate());
    EXPECT_GT(congestion.window(), 200 * mss);
    EXPECT_LT(congestion.window(), 270 * mss); // but below Reno's one segment per RTT
}

TEST(TcpCubic, FastConvergenceLowersWMax) {
    CongestionControl congestion = after_loss(100 * mss);
    ack_round(congestion, 0, 100 * ms);
    congestion.set_window(80 * mss);
    // RFC 9438 4.7: a loss below the last W_max aims the plateau at 0.85 of the window.
    EXPECT_EQ(congestion.on_congestion_event(80 * mss, 0), 56 * mss);
    EXPECT_EQ(congestion.cubic().w_max(), 68 * mss);
    congestion.set_window(90 * mss);
    EXPECT_EQ(congestion.on_congestion_event(90 * mss, 0), 63 * mss);
    EXPECT_EQ(congestion.cubic().w_max(), 90 * mss); // above it: W_max is the window
}

TEST(TcpCubic, TimeoutRestartsTheCurveAtItsInflection) {
    CongestionControl congestion = after_loss(100 * mss);
    constexpr uint64_t rtt = 1 * seconds; // long enough for the curve to beat W_est
    uint64_t now = ack_round(congestion, 0, rtt);
    uint32_t window = congestion.window();
    congestion.on_timeout(window, 0);
    EXPECT_EQ(congestion.window(), mss);
    EXPECT_EQ(congestion.slow_start_threshold(), window * 7 / 10);
    while (congestion.in_slow_start())
        now = ack_round(congestion, now, rtt);
    uint64_t start = now;
    double epoch_window = congestion.window() / double(mss);
    now = ack_round(congestion, now, rtt);
    // RFC 9438 4.8: K = 0 and W_max the window the stage began with: convex from the start.
    EXPECT_EQ(congestion.cubic().k(), 0u);
    EXPECT_EQ(congestion.cubic().w_max(), 0u);
    uint32_t previous = congestion.window(), previous_growth = 0;
    for (int round = 0; round < 4; ++round) {
        now = ack_round(congestion, now, rtt);
        double t = static_cast<double>(now - start) / seconds;
        EXPECT_NEAR(congestion.window() / double(mss), w_cubic(t, 0, epoch_window), 8) << t;
        uint32_t growth = congestion.window() - previous;
        EXPECT_GT(growth, previous_growth) << t;
        previous_growth = growth;
        previous = congestion.window();
    }
}

TEST(TcpCubic, UndoRestoresTheCurve) {
    CongestionControl congestion = after_loss(100 * mss);
    uint64_t now = ack_round(congestion, 0, 100 * ms);
    uint64_t k = congestion.cubic().k();
    uint32_t window = congestion.window();
    uint32_t threshold = congestion.slow_start_threshold();
    congestion.on_congestion_event(window, 0);
    congestion.set_window(congestion.slow_start_threshold());
    EXPECT_LT(congestion.cubic().w_max(), 100 * mss);
    // RFC 9438 4.9: the event was spurious; W_max, K and the epoch come back with the window.
    congestion.undo();
    EXPECT_EQ(congestion.window(), window);
    EXPECT_EQ(congestion.slow_start_threshold(), threshold);
    EXPECT_EQ(congestion.cubic().w_max(), 100 * mss);
    EXPECT_EQ(congestion.cubic().k(), k);
    ack_round(congestion, now, 100 * ms); // the same curve goes on, not a new one
    EXPECT_EQ(congestion.cubic().k(), k);

    congestion.on_timeout(congestion.window(), 0);
    congestion.undo();
    EXPECT_EQ(congestion.cubic().w_max(), 100 * mss);
    EXPECT_EQ(congestion.cubic().k(), k);
}

TEST(TcpCongestionControl, DispatchesPerAlgorithm) {
    CongestionControl reno, cubic;
    reno.start(mss, CongestionAlgorithm::reno);
    cubic.start(mss, CongestionAlgorithm::cubic);
    EXPECT_EQ(reno.window(), cubic.window()); // both start at RFC 6928's window
    reno.on_ack(mss, 10 * mss, 0, 0);
    cubic.on_ack(mss, 10 * mss, 0, 0);
    EXPECT_EQ(reno.window(), 11 * mss); // and slow-start alike
    EXPECT_EQ(cubic.window(), 11 * mss);
    EXPECT_EQ(reno.on_congestion_event(12 * mss, 0), 6 * mss); // beta 1/2
    EXPECT_EQ(cubic.on_congestion_event(12 * mss, 0), 7700u);  // beta 0.7 of the window
    EXPECT_EQ(cubic.algorithm(), CongestionAlgorithm::cubic);

    // TCP_CONGESTION on a live connection: the window carries over, the next decrease is the
    // new algorithm's.
    cubic.set_window(20 * mss);
    cubic.set_algorithm(CongestionAlgorithm::reno);
    EXPECT_EQ(cubic.algorithm(), CongestionAlgorithm::reno);
    EXPECT_EQ(cubic.window(), 20 * mss);
    EXPECT_EQ(cubic.on_congestion_event(20 * mss, 0), 10 * mss);
    reno.set_algorithm(CongestionAlgorithm::cubic);
    reno.set_window(20 * mss);
    EXPECT_EQ(reno.on_congestion_event(20 * mss, 0), 14 * mss);
    EXPECT_EQ(reno.cubic().w_max(), 20 * mss);
}

TEST(TcpCongestionControl, NamesAsLinuxSpellsThem) {
    using kernel::net::tcp::congestion_algorithm_name;
    using kernel::net::tcp::congestion_algorithm_named;
    EXPECT_STREQ(congestion_algorithm_name(CongestionAlgorithm::cubic), "cubic");
    EXPECT_STREQ(congestion_algorithm_name(CongestionAlgorithm::reno), "reno");
    CongestionAlgorithm algorithm = CongestionAlgorithm::reno;
    EXPECT_TRUE(congestion_algorithm_named("cubic", 5, algorithm));
    EXPECT_EQ(algorithm, CongestionAlgorithm::cubic);
    EXPECT_TRUE(congestion_algorithm_named("reno\0junk", 9, algorithm));
    EXPECT_EQ(algorithm, CongestionAlgorithm::reno);
    EXPECT_FALSE(congestion_algorithm_named("cubicx", 6, algorithm));
    EXPECT_FALSE(congestion_algorithm_named("cub", 3, algorithm));
    EXPECT_FALSE(congestion_algorithm_named("", 0, algorithm));
    EXPECT_FALSE(congestion_algorithm_named("bbr", 3, algorithm));
}

} // namespace
