#include "lib/timer_wheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

using kernel::TimerWheel;
using kernel::TimerWheelNode;

namespace {

constexpr unsigned shift = 20; // about a millisecond of nanoseconds
constexpr uint64_t tick = uint64_t(1) << shift;

struct Entry {
    TimerWheelNode node;
    int id = 0;
};

std::vector<int> advance(TimerWheel& wheel, uint64_t now) {
    std::vector<int> expired;
    wheel.advance(now, [&](void* owner) { expired.push_back(static_cast<Entry*>(owner)->id); });
    std::sort(expired.begin(), expired.end());
    return expired;
}

TEST(TimerWheel, ExpiresAtItsExactKeyNotMerelyItsTick) {
    TimerWheel wheel(1000, shift);
    Entry entry{{}, 1};
    wheel.schedule(entry.node, &entry, 1000 + 40'000'000);
    EXPECT_EQ(wheel.next_deadline(), 1000u + 40'000'000);
    EXPECT_TRUE(advance(wheel, 1000 + 40'000'000 - 1).empty());
    EXPECT_EQ(advance(wheel, 1000 + 40'000'000), std::vector<int>{1});
    EXPECT_FALSE(entry.node.is_scheduled());
    EXPECT_EQ(wheel.size(), 0u);
    EXPECT_EQ(wheel.next_deadline(), 0u);
}

TEST(TimerWheel, CancelledEntriesNeverExpire) {
    TimerWheel wheel(0, shift);
    Entry first{{}, 1}, second{{}, 2};
    wheel.schedule(first.node, &first, 5 * tick);
    wheel.schedule(second.node, &second, 5 * tick);
    wheel.cancel(first.node);
    wheel.cancel(first.node); // twice is harmless
    EXPECT_EQ(advance(wheel, 10 * tick), std::vector<int>{2});
}

TEST(TimerWheel, RescheduleMovesTheEntry) {
    TimerWheel wheel(0, shift);
    Entry entry{{}, 1};
    wheel.schedule(entry.node, &entry, 5 * tick);
    wheel.schedule(entry.node, &entry, 500 * tick);
    EXPECT_EQ(wheel.size(), 1u);
    EXPECT_TRUE(advance(wheel, 499 * tick).empty());
    EXPECT_EQ(advance(wheel, 500 * tick), std::vector<int>{1});
}

TEST(TimerWheel, CascadesThroughEveryLevel) {
    TimerWheel wheel(0, shift);
    // One entry per level, each just past a level's reach and at its far end.
    std::vector<Entry> entries(10);
    for (unsigned level = 0; level < TimerWheel::levels; ++level) {
        uint64_t span = uint64_t(1) << (6 * level);
        entries[2 * level] = {{}, int(2 * level)};
        entries[2 * level + 1] = {{}, int(2 * level + 1)};
        wheel.schedule(entries[2 * level].node, &entries[2 * level], (span + 3) * tick + 7);
        wheel.schedule(entries[2 * level + 1].node, &entries[2 * level + 1],
                       (64 * span - 1) * tick + 11);
    }
    size_t woken = 0;
    std::vector<int> order;
    while (uint64_t deadline = wheel.next_deadline()) {
        ASSERT_LT(++woken, 1000u) << "the wheel should need few wake-ups";
        std::vector<int> expired;
        wheel.advance(deadline, [&](void* owner) {
            auto* entry = static_cast<Entry*>(owner);
            EXPECT_EQ(entry->node.expires, deadline) << "expired early or late: " << entry->id;
            expired.push_back(entry->id);
        });
        order.insert(order.end(), expired.begin(), expired.end());
    }
    std::vector<int> by_key = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    EXPECT_EQ(order, by_key);
}

TEST(TimerWheel, FarFutureEntriesWaitBeyondTheTopLevel) {
    TimerWheel wheel(0, shift);
    Entry entry{{}, 1};
    uint64_t reach = (uint64_t(1) << 30) * tick;
    uint64_t far = 3 * reach + 12345;
    wheel.schedule(entry.node, &entry, far);
    EXPECT_LE(wheel.next_deadline(), far);
    EXPECT_TRUE(advance(wheel, far - 1).empty());
    EXPECT_TRUE(entry.node.is_scheduled());
    EXPECT_EQ(wheel.next_deadline(), far);
    EXPECT_EQ(advance(wheel, far), std::vector<int>{1});
}

TEST(TimerWheel, PastKeysExpireOnTheNextAdvance) {
    TimerWheel wheel(100 * tick, shift);
    Entry entry{{}, 1};
    wheel.schedule(entry.node, &entry, 3);
    EXPECT_EQ(wheel.next_deadline(), 3u);
    EXPECT_EQ(advance(wheel, 100 * tick), std::vector<int>{1});
}

TEST(TimerWheel, CallbackMayRescheduleWithoutLooping) {
    TimerWheel wheel(0, shift);
    Entry entry{{}, 1};
    wheel.schedule(entry.node, &entry, 20 * tick);
    int calls = 0;
    wheel.advance(20 * tick, [&](void* owner) {
        ++calls;
        // At the clock: it waits for the next advance rather than looping here.
        wheel.schedule(static_cast<Entry*>(owner)->node, owner, 20 * tick);
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(wheel.next_deadline(), 20 * tick);
    EXPECT_EQ(advance(wheel, 20 * tick), std::vector<int>{1});
}

// Many entries against a sorted reference, with cancels, reschedules and uneven steps.
TEST(TimerWheel, AgreesWithAReferenceOverManyEntries) {
    std::mt19937_64 random(12);
    uint64_t now = 77 * tick + 5;
    TimerWheel wheel(now, shift);
    std::vector<Entry> entries(20000);
    std::map<int, uint64_t> reference;
    for (size_t index = 0; index < entries.size(); ++index)
        entries[index].id = int(index);
    auto random_delay = [&] {
        switch (random() % 4) {
        case 0:
            return random() % (64 * tick);
        case 1:
            return random() % (5000 * tick);
        case 2:
            return random() % (300000 * tick);
        default:
            return random() % (uint64_t(1) << 52);
        }
    };
    for (int round = 0; round < 400; ++round) {
        for (int change = 0; change < 200; ++change) {
            Entry& entry = entries[random() % entries.size()];
            if (random() % 5 == 0) {
                wheel.cancel(entry.node);
                reference.erase(entry.id);
            } else {
                uint64_t at = now + random_delay();
                wheel.schedule(entry.node, &entry, at);
                reference[entry.id] = at;
            }
        }
        ASSERT_EQ(wheel.size(), reference.size());
        uint64_t earliest = UINT64_MAX;
        for (auto& [id, at] : reference)
            earliest = std::min(earliest, at);
        if (!reference.empty()) {
            ASSERT_LE(wheel.next_deadline(), earliest);
        }
        now += random() % 4 == 0 ? random() % (uint64_t(1) << 45) : random() % (100 * tick);
        std::vector<int> expected;
        for (auto it = reference.begin(); it != reference.end();) {
            if (it->second <= now) {
                expected.push_back(it->first);
                it = reference.erase(it);
            } else {
                ++it;
            }
        }
        ASSERT_EQ(advance(wheel, now), expected) << "round " << round;
    }
}

} // namespace
