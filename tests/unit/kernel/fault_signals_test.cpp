#include "linux/fault_signals.h"

#include <gtest/gtest.h>

namespace {

using kernel::signals::fault_signal;
using kernel::signals::restarts_instruction;

constexpr uint64_t rip = 0x401000;

TEST(FaultSignals, PageFaultsAreSegvWithTheAddressAndWhy) {
    auto unmapped = fault_signal(14, 0x6, 0x7fff0000, rip); // write, user, not present
    EXPECT_EQ(unmapped.signal, 11);
    EXPECT_EQ(unmapped.code, 1); // SEGV_MAPERR
    EXPECT_EQ(unmapped.address, 0x7fff0000u);
    auto protected_page = fault_signal(14, 0x7, 0x1000, rip);
    EXPECT_EQ(protected_page.code, 2); // SEGV_ACCERR
    EXPECT_EQ(protected_page.error_code, 0x7u);
}

TEST(FaultSignals, APagePastTheEndOfAMappedFileIsSigbusAdrerr) {
    auto past_end = kernel::signals::beyond_file_end_fault(0x4, 0x40001000);
    EXPECT_EQ(past_end.signal, 7); // SIGBUS
    EXPECT_EQ(past_end.code, 2);   // BUS_ADRERR
    EXPECT_EQ(past_end.address, 0x40001000u);
    EXPECT_EQ(past_end.vector, 14u);
    EXPECT_EQ(past_end.error_code, 0x4u);
}

TEST(FaultSignals, OtherExceptionsAsLinuxSendsThem) {
    auto divide = fault_signal(0, 0, 0, rip);
    EXPECT_EQ(divide.signal, 8);
    EXPECT_EQ(divide.code, 1); // FPE_INTDIV
    EXPECT_EQ(divide.address, rip);
    auto invalid = fault_signal(6, 0, 0, rip);
    EXPECT_EQ(invalid.signal, 4);
    EXPECT_EQ(invalid.code, 2); // ILL_ILLOPN
    auto general = fault_signal(13, 0, 0, rip);
    EXPECT_EQ(general.signal, 11);
    EXPECT_EQ(general.code, 0x80); // SI_KERNEL
    EXPECT_EQ(general.address, 0u);
    EXPECT_EQ(fault_signal(17, 0, 0, rip).signal, 7); // #AC: SIGBUS
    EXPECT_EQ(fault_signal(3, 0, 0, rip).signal, 5);  // int3: SIGTRAP
    EXPECT_EQ(fault_signal(19, 0, 0, rip).signal, 8); // SIMD: SIGFPE
}

TEST(FaultSignals, TrapsDoNotRestartTheInstruction) {
    EXPECT_TRUE(restarts_instruction(14));
    EXPECT_TRUE(restarts_instruction(0));
    EXPECT_FALSE(restarts_instruction(3));
    EXPECT_FALSE(restarts_instruction(4));
}

} // namespace
