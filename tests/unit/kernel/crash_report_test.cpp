// The in-guest report must read as the hvt monitor's (src/vmm/crash_report.cpp) minus source
// lines: the integration tests grep both for the same lines.
#include "kernel/debug_test_support.h"

#include "debug/crash_report.h"

namespace {

using namespace kernel::debug;
using kernel_test::ReadableRanges;
using kernel_test::SymbolPayload;

constexpr uint64_t kernel_start = 0xffffffff80100000, kernel_end = 0xffffffff80140000;

void collect(void* context, const char* line, size_t length) {
    static_cast<std::vector<std::string>*>(context)->emplace_back(line, length);
}

class CrashReportTest : public ::testing::Test {
protected:
    CrashReportTest()
        : payload({{kernel_start + 0x100, 0x40, "kernel::handle_page_fault(unsigned long)"}}),
          symbolizer(payload.symbols(), ProgramSymbols(), kernel_start, kernel_end) {
        probe = readable.probe();
    }

    std::vector<std::string> report(const ExceptionState& state, int& signal) {
        std::vector<std::string> lines;
        signal = report_exception(state, {symbolizer, EhFrame(), probe, {collect, &lines}});
        return lines;
    }
    static ExceptionState exception(uint8_t vector, uint64_t rip) {
        ExceptionState state{};
        state.vector = vector;
        state.registers.rip = rip;
        state.registers.rsp = 0x7ffffffde000;
        return state;
    }

    SymbolPayload payload;
    Symbolizer symbolizer;
    ReadableRanges readable;
    MemoryProbe probe{};
};

TEST_F(CrashReportTest, NullPointerWriteInTheProgram) {
    ExceptionState state = exception(14, 0x401136);
    state.error_code = 2 | 4; // write, user
    state.cr2 = 0;
    state.registers.rax = 0x2a;
    state.registers.r15 = 0xffffffffffffffff;
    state.registers.rflags = 0x10246;
    int signal = 0;
    auto lines = report(state, signal);
    EXPECT_EQ(signal, 11);
    std::vector<std::string> expected = {
        "ingot: the program crashed: segmentation fault: null pointer dereference (write to 0x0)\n",
        "ingot:   at 0x401136 ??\n", // the test's program has no symbols
        "ingot: backtrace:\n",
        "ingot:   #0  0x0000000000401136 ??\n",
        "ingot: registers:\n",
        "ingot:    rip 0x0000000000401136     rsp 0x00007ffffffde000     rbp 0x0000000000000000  "
        "rflags 0x0000000000010246\n",
        "ingot:    rax 0x000000000000002a     rbx 0x0000000000000000     rcx 0x0000000000000000    "
        " rdx 0x0000000000000000\n",
        "ingot:    rsi 0x0000000000000000     rdi 0x0000000000000000      r8 0x0000000000000000    "
        "  r9 0x0000000000000000\n",
        "ingot:    r10 0x0000000000000000     r11 0x0000000000000000     r12 0x0000000000000000    "
        " r13 0x0000000000000000\n",
        "ingot:    r14 0x0000000000000000     r15 0xffffffffffffffff\n",
    };
    EXPECT_EQ(lines, expected);
}

TEST_F(CrashReportTest, KernelFaultIsSymbolizedAndWalked) {
    std::vector<uint64_t> stack(8, 0);
    readable.add(stack.data(), stack.size() * 8);
    stack[0] = reinterpret_cast<uint64_t>(&stack[2]);
    stack[1] = kernel_start + 0x131; // returns into handle_page_fault
    stack[2] = 0;
    stack[3] = 0x401200; // the program called into the kernel
    ExceptionState state = exception(13, kernel_start + 0x108);
    state.registers.rbp = reinterpret_cast<uint64_t>(&stack[0]);
    state.in_kernel = true;
    int signal = 0;
    auto lines = report(state, signal);
    ASSERT_GE(lines.size(), 6u);
    EXPECT_EQ(lines[0],
              "ingot: the kernel crashed: segmentation fault: general protection fault (a "
              "non-canonical address or a privileged instruction)\n");
    EXPECT_EQ(
        lines[1],
        "ingot:   at 0xffffffff80100108 kernel::handle_page_fault(unsigned long)+0x8 [kernel]\n");
    EXPECT_EQ(
        lines[3],
        "ingot:   #0  0xffffffff80100108 kernel::handle_page_fault(unsigned long)+0x8 [kernel]\n");
    // A return address is named by its call, the byte before it.
    EXPECT_EQ(
        lines[4],
        "ingot:   #1  0xffffffff80100131 kernel::handle_page_fault(unsigned long)+0x30 [kernel]\n");
    EXPECT_EQ(lines[5], "ingot:   #2  0x0000000000401200 ??\n");
    EXPECT_EQ(lines[6], "ingot: registers:\n");
}

TEST_F(CrashReportTest, InstructionBytesNameUd2AndDivide) {
    uint8_t code[8] = {0x0f, 0x0b, 0x90, 0x90, 0x48, 0xf7, 0xf9, 0x90}; // ud2; idiv rcx
    readable.add(code, sizeof code);
    int signal = 0;
    auto lines = report(exception(6, reinterpret_cast<uint64_t>(code)), signal);
    EXPECT_EQ(signal, 4);
    EXPECT_EQ(lines[0],
              "ingot: the program crashed: illegal instruction: illegal instruction (ud2)\n");
    lines = report(exception(0, reinterpret_cast<uint64_t>(code + 4)), signal);
    EXPECT_EQ(signal, 8);
    EXPECT_EQ(lines[0], "ingot: the program crashed: arithmetic exception: integer divide error "
                        "(division by zero or overflow)\n");
    // Unreadable code: no bytes to look at, and no read of them.
    lines = report(exception(6, 0x1000), signal);
    EXPECT_EQ(lines[0], "ingot: the program crashed: illegal instruction: illegal instruction\n");
}

TEST_F(CrashReportTest, StackOverflowIntoTheGuardPage) {
    constexpr uint64_t lowest = 0x7fffffeff000;
    ExceptionState state = exception(14, 0x401136);
    state.error_code = 2;
    state.cr2 = lowest - 0x10;
    state.registers.rsp = lowest + (8 << 20); // a huge frame jumped over the stack pointer rule
    state.stack_lowest = lowest;
    int signal = 0;
    auto lines = report(state, signal);
    EXPECT_EQ(signal, 11);
    EXPECT_EQ(lines[0], "ingot: the program crashed: segmentation fault: stack overflow (access at "
                        "0x7fffffefeff0, in the guard page below the stack)\n");
}

TEST_F(CrashReportTest, AbortFromASignal) {
    ingot::abi::CrashArgs crash{};
    crash.signal = 6;
    crash.rip = 0x401500;
    crash.rsp = 0x7ffffffde000;
    crash.r12 = 0x1234;
    std::vector<std::string> lines;
    report_signal(crash, {symbolizer, EhFrame(), probe, {collect, &lines}});
    ASSERT_EQ(lines.size(), 10u);
    EXPECT_EQ(lines[0], "ingot: the program crashed: aborted (SIGABRT)\n");
    EXPECT_EQ(lines[1], "ingot:   at 0x401500 ??\n");
    EXPECT_EQ(lines[5], "ingot:    rip 0x0000000000401500     rsp 0x00007ffffffde000     rbp "
                        "0x0000000000000000  rflags 0x0000000000000000\n");
    EXPECT_EQ(lines[8], "ingot:    r10 0x0000000000000000     r11 0x0000000000000000     r12 "
                        "0x0000000000001234     r13 0x0000000000000000\n");
}

TEST_F(CrashReportTest, LongNamesAreCutButLinesEnd) {
    SymbolPayload long_name({{kernel_start, 0x100, std::string(1000, 'x')}});
    Symbolizer symbols(long_name.symbols(), ProgramSymbols(), kernel_start, kernel_end);
    std::vector<std::string> lines;
    ExceptionState state = exception(13, kernel_start + 1);
    report_exception(state, {symbols, EhFrame(), probe, {collect, &lines}});
    ASSERT_GE(lines.size(), 2u);
    EXPECT_LT(lines[1].size(), 400u);
    EXPECT_EQ(lines[1].back(), '\n');
    EXPECT_EQ(lines[1].substr(0, 30), "ingot:   at 0xffffffff80100001");
}

} // namespace
