#include "kernel/kernel_test_support.h"

#include "fs/event_counter.h"
#include "sched/readiness.h"

namespace {

using kernel::EventCounter;
namespace poll_event = kernel::poll_event;

constexpr uint64_t maximum = UINT64_MAX - 1;
constexpr uint32_t readable = poll_event::in | poll_event::read_normal;
constexpr uint32_t writable = poll_event::out | poll_event::write_normal;

TEST(EventCounter, AddsAndTakesEverything) {
    EventCounter counter(3, false);
    EXPECT_TRUE(counter.add(4));
    EXPECT_EQ(counter.take(), 7u);
    EXPECT_EQ(counter.take(), 0u); // empty: a read would block
    EXPECT_EQ(counter.count(), 0u);
}

TEST(EventCounter, SemaphoreTakesOne) {
    EventCounter counter(2, true);
    EXPECT_EQ(counter.take(), 1u);
    EXPECT_EQ(counter.take(), 1u);
    EXPECT_EQ(counter.take(), 0u);
}

// A write that would take the counter past 2^64 - 2 does not complete (it blocks, or EAGAIN),
// and leaves the counter as it was.
TEST(EventCounter, NeverPassesTheMaximum) {
    EventCounter counter(maximum - 1, false);
    EXPECT_TRUE(counter.can_add(1));
    EXPECT_FALSE(counter.can_add(2));
    EXPECT_FALSE(counter.add(2));
    EXPECT_EQ(counter.count(), maximum - 1);
    EXPECT_FALSE(counter.add(UINT64_MAX));
    EXPECT_TRUE(counter.add(1));
    EXPECT_EQ(counter.count(), maximum);
    EXPECT_FALSE(counter.can_add(1));
    EXPECT_TRUE(counter.can_add(0)); // adding nothing always fits
    EXPECT_TRUE(counter.add(0));
}

// POLLOUT means a write of 1 completes now, as Linux's eventfd_poll: at maximum - 1 it holds
// although a write of 2 would block, which is why a blocked writer must not wait for POLLOUT.
TEST(EventCounter, Readiness) {
    EXPECT_EQ(EventCounter(0, false).poll_events(), writable);
    EXPECT_EQ(EventCounter(1, false).poll_events(), readable | writable);
    EXPECT_EQ(EventCounter(maximum - 1, false).poll_events(), readable | writable);
    EXPECT_EQ(EventCounter(maximum, false).poll_events(), readable);
    EventCounter counter(maximum, false);
    counter.take();
    EXPECT_EQ(counter.poll_events(), writable);
}

} // namespace
