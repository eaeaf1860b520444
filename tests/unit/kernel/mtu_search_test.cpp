// The search of RFC 4821 / RFC 8899 on its own: the black hole's fallback, the binary search
// by probes, the bounds ICMP still sets, and the search again after PMTU_RAISE_TIMER.
#include "net/tcp/mtu_search.h"

#include <gtest/gtest.h>

namespace {

using kernel::net::tcp::MtuSearch;

constexpr uint64_t second = 1'000'000'000;

// Runs probes against a path that carries `path` bytes until the search ends; returns the
// size it settled on and counts the probes.
size_t search(MtuSearch& mtu, size_t path, uint64_t now, int& probes) {
    size_t low = 0;
    while (size_t size = mtu.probe_size(now)) {
        ++probes;
        mtu.on_probe_sent(1000, 1000 + static_cast<uint32_t>(size), size);
        EXPECT_TRUE(mtu.probe_in_flight());
        EXPECT_EQ(mtu.probe_size(now), 0u) << "one probe at a time";
        if (size <= path)
            low = mtu.on_probe_acknowledged(now);
        else
            mtu.on_probe_lost(now);
        if (probes > 20)
            break;
    }
    return low;
}

TEST(MtuSearch, NothingHappensBeforeABlackHole) {
    MtuSearch mtu;
    EXPECT_FALSE(mtu.is_searching());
    EXPECT_EQ(mtu.probe_size(0), 0u);
}

TEST(MtuSearch, ABlackHoleFallsBackToTheBaseAndSearchesUpToTheCeiling) {
    MtuSearch mtu;
    EXPECT_EQ(mtu.on_black_hole(1500, MtuSearch::base_ipv4, 552, second), 1200u);
    EXPECT_TRUE(mtu.is_searching());
    EXPECT_EQ(mtu.probe_size(second), 1350u); // halfway
    int probes = 0;
    size_t found = search(mtu, 1400, second, probes);
    EXPECT_LE(found, 1400u);
    EXPECT_GT(found + MtuSearch::done_within, 1400u);
    EXPECT_LE(probes, 7); // a binary search over 300 bytes to within 8
}

TEST(MtuSearch, APathThatCarriesEverythingEndsAtTheCeiling) {
    MtuSearch mtu;
    mtu.on_black_hole(1500, MtuSearch::base_ipv4, 552, second);
    int probes = 0;
    size_t found = search(mtu, 9000, second, probes);
    EXPECT_GT(found + MtuSearch::done_within, 1500u);
    EXPECT_LE(found, 1500u);
}

TEST(MtuSearch, AgainAfterTheRaiseTimer) {
    MtuSearch mtu;
    mtu.on_black_hole(1500, MtuSearch::base_ipv4, 552, second);
    int probes = 0;
    size_t first = search(mtu, 1300, second, probes);
    EXPECT_EQ(mtu.probe_size(second + MtuSearch::search_again_ns - 1), 0u);
    // The path grew meanwhile: the new search finds it.
    probes = 0;
    size_t second_search = search(mtu, 1500, second + MtuSearch::search_again_ns, probes);
    EXPECT_GT(probes, 0);
    EXPECT_GT(second_search, first);
    EXPECT_GT(second_search + MtuSearch::done_within, 1500u);
}

TEST(MtuSearch, LaterBlackHolesHalveDownToTheFloor) {
    MtuSearch mtu;
    EXPECT_EQ(mtu.on_black_hole(1500, MtuSearch::base_ipv4, 552, second), 1200u);
    EXPECT_EQ(mtu.on_black_hole(1200, MtuSearch::base_ipv4, 552, second), 600u);
    EXPECT_EQ(mtu.on_black_hole(600, MtuSearch::base_ipv4, 552, second), 552u);
    EXPECT_EQ(mtu.on_black_hole(552, MtuSearch::base_ipv4, 552, second), 0u);
    // The ceiling is still the first one: the search may go back up to 1500.
    EXPECT_GT(mtu.probe_size(second), 1000u);
}

TEST(MtuSearch, NotBelowWhatIsSentAlreadyNorIpv6sMinimum) {
    MtuSearch small;
    EXPECT_EQ(small.on_black_hole(1000, MtuSearch::base_ipv4, 552, second), 0u);
    EXPECT_TRUE(small.is_searching());
    MtuSearch ipv6;
    EXPECT_EQ(ipv6.on_black_hole(1500, MtuSearch::base_ipv6, 1280, second), 1280u);
    EXPECT_EQ(ipv6.on_black_hole(1280, MtuSearch::base_ipv6, 1280, second), 0u);
}

TEST(MtuSearch, IcmpStillBoundsTheSearch) {
    MtuSearch mtu;
    mtu.on_black_hole(1500, MtuSearch::base_ipv4, 552, second);
    size_t size = mtu.probe_size(second);
    mtu.on_probe_sent(0, 100, size);
    mtu.on_path_mtu(1300); // below the probe in flight: that probe no longer counts
    EXPECT_FALSE(mtu.probe_in_flight());
    int probes = 0;
    EXPECT_LE(search(mtu, 1500, second, probes), 1300u);
}

TEST(MtuSearch, ABlackHoleDuringAProbeForgetsIt) {
    MtuSearch mtu;
    mtu.on_black_hole(1500, MtuSearch::base_ipv4, 552, second);
    mtu.on_probe_sent(0, 1000, mtu.probe_size(second));
    mtu.on_black_hole(1200, MtuSearch::base_ipv4, 552, second);
    EXPECT_FALSE(mtu.probe_in_flight());
}

} // namespace
