// The classification the monitor and the guest kernel share: what only the guest uses (known
// stack bounds, a vector it always knows) and the cut of over-long text.
#include <ingot/fault_classification.h>

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace ingot::fault;

Facts page_fault_at(uint64_t address, uint64_t rsp, uint64_t stack_lowest) {
    Facts facts;
    facts.vector_known = true;
    facts.vector = page_fault;
    facts.error_code = 2;
    facts.cr2 = address;
    facts.rsp = rsp;
    facts.stack_lowest = stack_lowest;
    return facts;
}

bool says_overflow(const Verdict& verdict) {
    return std::string(verdict.description).find("stack overflow") != std::string::npos;
}

TEST(SharedFaultClassification, GuardPageBelowAKnownStackIsAnOverflow) {
    constexpr uint64_t lowest = 0x7fff00000000;
    // The stack pointer is far away (a big frame skipped over it): the bounds decide.
    auto verdict = classify(page_fault_at(lowest - 8, lowest + (64ull << 20), lowest));
    EXPECT_EQ(verdict.signal, sigsegv);
    EXPECT_STREQ(verdict.description,
                 "stack overflow (access at 0x7ffefffffff8, in the guard page below the stack)");
    EXPECT_TRUE(says_overflow(classify(page_fault_at(lowest - 4096, 0x10000000, lowest))));
    EXPECT_FALSE(says_overflow(classify(page_fault_at(lowest - 4097, 0x10000000, lowest))));
    EXPECT_FALSE(says_overflow(classify(page_fault_at(lowest, 0x10000000, lowest))));
    // Unknown bounds: only the stack pointer heuristic, as on the monitor.
    EXPECT_FALSE(says_overflow(classify(page_fault_at(lowest - 8, 0x10000000, 0))));
}

TEST(SharedFaultClassification, DivideErrorWithItsInstruction) {
    Facts facts;
    facts.vector_known = true;
    facts.vector = divide_error;
    facts.instruction_known = true;
    facts.instruction[0] = 0xf7;
    facts.instruction[1] = 0xf9; // idiv ecx
    auto verdict = classify(facts);
    EXPECT_EQ(verdict.signal, sigfpe);
    EXPECT_STREQ(verdict.description, "integer divide error (division by zero or overflow)");
}

TEST(SharedFaultClassification, LargestAddressesFitTheDescription) {
    auto verdict = classify(page_fault_at(~0ull - 0xfff, 0, 0));
    EXPECT_STREQ(verdict.description, "write to unmapped address 0xfffffffffffff000");
    Facts facts;
    facts.vector_known = true;
    facts.vector = 255;
    EXPECT_STREQ(classify(facts).description, "CPU exception 255");
}

TEST(SharedFaultClassification, SignalNumbersAreLinuxs) {
    EXPECT_STREQ(signal_description(11), "segmentation fault");
    EXPECT_STREQ(signal_description(6), "aborted");
    EXPECT_STREQ(signal_description(8), "arithmetic exception");
}

} // namespace
