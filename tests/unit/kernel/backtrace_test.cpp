#include "kernel/debug_test_support.h"

#include "debug/backtrace.h"

namespace {

using kernel::debug::max_backtrace_depth;
using kernel::debug::walk_frame_pointers;

// A fake stack of 8-byte slots; frames are built as a compiler lays them out: the saved frame
// pointer, then the return address above it.
class FakeStack {
public:
    FakeStack() : m_slots(256, 0) { m_readable.add(m_slots.data(), m_slots.size() * 8); }
    uint64_t address(size_t slot) const { return reinterpret_cast<uint64_t>(&m_slots[slot]); }
    // The frame at `slot` returns to `return_address` and points at the frame at `caller`.
    void frame(size_t slot, uint64_t caller_frame, uint64_t return_address) {
        m_slots[slot] = caller_frame;
        m_slots[slot + 1] = return_address;
    }
    std::vector<uint64_t> walk(uint64_t rip, uint64_t rbp, size_t capacity = max_backtrace_depth) {
        std::vector<uint64_t> pcs(capacity + 1, 0xdead); // one guard slot past capacity
        auto probe = m_readable.probe();
        size_t count = walk_frame_pointers(rip, rbp, probe, pcs.data(), capacity);
        EXPECT_LE(count, capacity);
        EXPECT_EQ(pcs[capacity], 0xdeadu) << "wrote past the capacity";
        pcs.resize(count);
        return pcs;
    }
    kernel_test::ReadableRanges m_readable;

private:
    std::vector<uint64_t> m_slots;
};

using Pcs = std::vector<uint64_t>;

TEST(Backtrace, FollowsTheChainToItsEnd) {
    FakeStack stack;
    stack.frame(10, stack.address(20), 0x401100);
    stack.frame(20, stack.address(40), 0x401200);
    stack.frame(40, 0, 0x401300); // the outermost frame: no caller
    EXPECT_EQ(stack.walk(0x401000, stack.address(10)),
              (Pcs{0x401000, 0x401100, 0x401200, 0x401300}));
}

TEST(Backtrace, NoFramePointerGivesTheFaultingInstructionOnly) {
    FakeStack stack;
    EXPECT_EQ(stack.walk(0x401000, 0), (Pcs{0x401000}));
    EXPECT_EQ(stack.walk(0x401000, 0x1234), (Pcs{0x401000})) << "unreadable";
    EXPECT_EQ(stack.walk(0x401000, stack.address(10) + 4), (Pcs{0x401000})) << "misaligned";
    EXPECT_EQ(stack.walk(0x401000, UINT64_MAX - 7), (Pcs{0x401000})) << "wraps around";
    EXPECT_TRUE(stack.walk(0x401000, stack.address(10), 0).empty());
}

TEST(Backtrace, StopsAtLoopsAndChainsThatGoDown) {
    FakeStack stack;
    stack.frame(10, stack.address(10), 0x401100); // points at itself
    EXPECT_EQ(stack.walk(0x401000, stack.address(10)), (Pcs{0x401000, 0x401100}));
    stack.frame(20, stack.address(30), 0x401200);
    stack.frame(30, stack.address(20), 0x401300); // back down: a cycle
    EXPECT_EQ(stack.walk(0x401000, stack.address(20)), (Pcs{0x401000, 0x401200, 0x401300}));
}

TEST(Backtrace, StopsAtGarbage) {
    FakeStack stack;
    stack.frame(10, stack.address(20), 0x401100);
    stack.frame(20, stack.address(30) + 3, 0x401200); // misaligned caller frame
    EXPECT_EQ(stack.walk(0x401000, stack.address(10)), (Pcs{0x401000, 0x401100, 0x401200}));
    stack.frame(20, stack.address(30), 0); // a zero return address ends the chain
    EXPECT_EQ(stack.walk(0x401000, stack.address(10)), (Pcs{0x401000, 0x401100}));
    // A caller frame outside readable memory: its return address is never read.
    stack.frame(20, stack.address(255) + 4096, 0x401200);
    size_t asked = stack.m_readable.questions;
    EXPECT_EQ(stack.walk(0x401000, stack.address(10)), (Pcs{0x401000, 0x401100, 0x401200}));
    EXPECT_EQ(stack.m_readable.questions - asked, 3u);
}

TEST(Backtrace, TheLastReadableSlotIsNotEnoughForAFrame) {
    FakeStack stack;
    stack.frame(254, stack.address(255), 0x401100);
    EXPECT_EQ(stack.walk(0x401000, stack.address(255)), (Pcs{0x401000})) << "16 bytes needed";
}

TEST(Backtrace, DepthIsBounded) {
    FakeStack stack;
    for (size_t slot = 0; slot + 3 < 256; slot += 2)
        stack.frame(slot, stack.address(slot + 2), 0x401000 + slot);
    auto pcs = stack.walk(0x400000, stack.address(0));
    EXPECT_EQ(pcs.size(), max_backtrace_depth);
    EXPECT_EQ(pcs[1], 0x401000u);
    EXPECT_EQ(stack.walk(0x400000, stack.address(0), 3).size(), 3u);
}

} // namespace
