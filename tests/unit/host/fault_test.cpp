#include "vmm/fault.h"

#include <gtest/gtest.h>

#include <csignal>

namespace ingot {
namespace {

constexpr uint64_t stack_pointer = 0x7ffffff00000;

FaultFacts page_fault(uint64_t address, uint32_t error_code) {
    FaultFacts facts;
    facts.vector = 14;
    facts.cr2 = address;
    facts.error_code = error_code;
    facts.rsp = stack_pointer;
    return facts;
}

FaultFacts with_vector(uint8_t vector, std::optional<std::array<uint8_t, 4>> instruction = {}) {
    FaultFacts facts;
    facts.vector = vector;
    facts.instruction = instruction;
    facts.rsp = stack_pointer;
    return facts;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ClassifyFault, EmulationFailureIsIllegalInstruction) {
    FaultFacts facts = page_fault(0x1000, 0);
    facts.emulation_failure = true;
    auto verdict = classify_fault(facts);
    EXPECT_EQ(verdict.signal, SIGILL);
    EXPECT_TRUE(contains(verdict.description, "hypervisor")) << verdict.description;
}

TEST(ClassifyFault, NullPointerDereference) {
    auto verdict = classify_fault(page_fault(0x10, 0));
    EXPECT_EQ(verdict.signal, SIGSEGV);
    EXPECT_EQ(verdict.description, "null pointer dereference (read from 0x10)");
    verdict = classify_fault(page_fault(0x8, 2));
    EXPECT_EQ(verdict.description, "null pointer dereference (write to 0x8)");
}

TEST(ClassifyFault, UnmappedAccess) {
    auto verdict = classify_fault(page_fault(0x12345678, 2));
    EXPECT_EQ(verdict.signal, SIGSEGV);
    EXPECT_EQ(verdict.description, "write to unmapped address 0x12345678");
    verdict = classify_fault(page_fault(0x12345678, 0x10));
    EXPECT_EQ(verdict.description, "execute unmapped address 0x12345678");
    verdict = classify_fault(page_fault(0x12345678, 0x4)); // user-mode read
    EXPECT_EQ(verdict.description, "read from unmapped address 0x12345678");
}

TEST(ClassifyFault, ProtectionViolation) {
    auto verdict = classify_fault(page_fault(0x401000, 1 | 2));
    EXPECT_EQ(verdict.signal, SIGSEGV);
    EXPECT_EQ(verdict.description, "write to 0x401000, which the page's protection forbids");
    verdict = classify_fault(page_fault(0x601000, 1 | 0x10));
    EXPECT_EQ(verdict.description, "execute 0x601000, which the page's protection forbids");
    // A protection fault next to the stack pointer is not an overflow: the page is mapped.
    verdict = classify_fault(page_fault(stack_pointer - 8, 1 | 2));
    EXPECT_TRUE(contains(verdict.description, "protection forbids")) << verdict.description;
}

TEST(ClassifyFault, StackOverflowNearTheStackPointer) {
    for (uint64_t address : std::initializer_list<uint64_t>{stack_pointer - 8, stack_pointer - 4096, stack_pointer, stack_pointer + 255,
                             stack_pointer - (1ull << 20)}) {
        auto verdict = classify_fault(page_fault(address, 2));
        EXPECT_EQ(verdict.signal, SIGSEGV);
        EXPECT_TRUE(contains(verdict.description, "stack overflow")) << std::hex << address << ": " << verdict.description;
    }
    for (uint64_t address : std::initializer_list<uint64_t>{stack_pointer + 256, stack_pointer - (1ull << 20) - 1}) {
        auto verdict = classify_fault(page_fault(address, 2));
        EXPECT_FALSE(contains(verdict.description, "stack overflow")) << std::hex << address << ": " << verdict.description;
    }
}

TEST(ClassifyFault, DivideErrorFromTheInstruction) {
    // KVM reports vector 0 for a divide error and when no exception was recorded: the
    // instruction bytes decide.
    for (std::array<uint8_t, 4> divide : {std::array<uint8_t, 4>{0xf7, 0xf1, 0, 0},      // div ecx
                                          std::array<uint8_t, 4>{0x48, 0xf7, 0xf9, 0},   // idiv rcx
                                          std::array<uint8_t, 4>{0x66, 0xf7, 0xf1, 0},   // div cx
                                          std::array<uint8_t, 4>{0xf6, 0xf3, 0, 0},      // div bl
                                          std::array<uint8_t, 4>{0x41, 0xf7, 0xf0, 0},   // div r8d
                                          std::array<uint8_t, 4>{0x66, 0x41, 0xf7, 0xf8}, // idiv r8w
                                          std::array<uint8_t, 4>{0x48, 0xf7, 0x34, 0x24}}) { // div [rsp]
        auto verdict = classify_fault(with_vector(0, divide));
        EXPECT_EQ(verdict.signal, SIGFPE) << int(divide[0]) << ' ' << int(divide[1]);
        FaultFacts unrecorded;
        unrecorded.instruction = divide;
        EXPECT_EQ(classify_fault(unrecorded).signal, SIGFPE);
    }
}

TEST(ClassifyFault, VectorZeroWithoutDivideIsTripleFault) {
    auto verdict = classify_fault(with_vector(0, std::array<uint8_t, 4>{0xf7, 0xe1, 0, 0})); // mul ecx
    EXPECT_EQ(verdict.signal, SIGSEGV);
    EXPECT_TRUE(contains(verdict.description, "triple fault")) << verdict.description;
    verdict = classify_fault(with_vector(0));
    EXPECT_TRUE(contains(verdict.description, "triple fault")) << verdict.description;
    FaultFacts nothing;
    EXPECT_EQ(classify_fault(nothing).signal, SIGSEGV);
}

TEST(ClassifyFault, Ud2) {
    std::array<uint8_t, 4> ud2{0x0f, 0x0b, 0x90, 0x90};
    auto verdict = classify_fault(with_vector(6, ud2));
    EXPECT_EQ(verdict.signal, SIGILL);
    EXPECT_EQ(verdict.description, "illegal instruction (ud2)");
    FaultFacts unrecorded;
    unrecorded.instruction = ud2;
    EXPECT_EQ(classify_fault(unrecorded).signal, SIGILL);
    verdict = classify_fault(with_vector(6, std::array<uint8_t, 4>{0x0f, 0xff, 0, 0}));
    EXPECT_EQ(verdict.signal, SIGILL);
    EXPECT_EQ(verdict.description, "illegal instruction");
    EXPECT_EQ(classify_fault(with_vector(6)).description, "illegal instruction");
}

TEST(ClassifyFault, OtherVectors) {
    struct Case {
        uint8_t vector;
        int signal;
    };
    for (Case c : {Case{13, SIGSEGV}, Case{12, SIGSEGV}, Case{4, SIGSEGV}, Case{5, SIGSEGV}, Case{16, SIGFPE},
                   Case{19, SIGFPE}, Case{17, SIGBUS}, Case{1, SIGTRAP}, Case{3, SIGTRAP}, Case{8, SIGSEGV},
                   Case{30, SIGSEGV}}) {
        auto verdict = classify_fault(with_vector(c.vector));
        EXPECT_EQ(verdict.signal, c.signal) << "vector " << int(c.vector);
        EXPECT_FALSE(verdict.description.empty());
    }
    EXPECT_EQ(classify_fault(with_vector(8)).description, "CPU exception 8");
    EXPECT_TRUE(contains(classify_fault(with_vector(13)).description, "general protection"));
}

TEST(SignalDescription, NamesCommonSignals) {
    EXPECT_STREQ(signal_description(SIGSEGV), "segmentation fault");
    EXPECT_STREQ(signal_description(SIGILL), "illegal instruction");
    EXPECT_STREQ(signal_description(SIGFPE), "arithmetic exception");
    EXPECT_STREQ(signal_description(SIGBUS), "bus error");
    EXPECT_STREQ(signal_description(SIGTRAP), "trace/breakpoint trap");
    EXPECT_STREQ(signal_description(SIGABRT), "aborted");
    EXPECT_STREQ(signal_description(SIGSYS), "bad system call");
    EXPECT_STREQ(signal_description(SIGKILL), "killed by a signal");
}

} // namespace
} // namespace ingot
