#include "kernel/cfi_test_support.h"
#include "kernel/debug_test_support.h"

#include "debug/backtrace.h"
#include "debug/cfi_unwinder.h"
#include "debug/dwarf_expression.h"

namespace {

using namespace kernel::debug;
using kernel_test::Bytes;
using kernel_test::EhFrameBuilder;

constexpr uint64_t kernel_start = 0xffffffff80100000, kernel_end = 0xffffffff80140000;

// Three functions as GCC compiles them without frame pointers, except the middle one:
//   leaf   0x401000: push rbx at +0, crashes at +0x10
//   middle 0x402000: push rbp; mov rbp,rsp; calls leaf, returning to 0x402055
//   start  0x403000: the outermost, its return address undefined; calls middle -> 0x403010
class ThreeFrames : public ::testing::Test {
protected:
    ThreeFrames() : m_stack(64, 0), m_payload({}) {
        size_t cie = m_builder.cie();
        m_builder.fde(cie, 0x401000, 0x100, {0x41, 0x0e, 16, 0x83, 2});
        m_builder.fde(cie, 0x402000, 0x100, {0x41, 0x0e, 16, 0x86, 2, 0x43, 0x0d, 6});
        m_builder.fde(cie, 0x403000, 0x100, {0x07, 16});
        m_builder.terminator();
        m_cfi = EhFrame(m_builder.section(), {});
        m_readable.add(m_stack.data(), m_stack.size() * 8);

        // Slots from the leaf's rsp upwards.
        m_stack[0] = 0xb0b;    // middle's rbx, pushed by leaf
        m_stack[1] = 0x402055; // leaf returns into middle
        m_stack[4] = 0x5a5a;   // start's rbp, pushed by middle
        m_stack[5] = 0x403010; // middle returns into start
        registers.set(cfi_return_address, 0x401010);
        registers.set(cfi_rsp, slot(0));
        registers.set(cfi_rbp, slot(4)); // middle's frame pointer
        registers.set(cfi_rbx, 0x1eaf);
    }
    uint64_t slot(size_t index) const { return reinterpret_cast<uint64_t>(&m_stack[index]); }
    std::vector<uint64_t> walk(const EhFrame& cfi) {
        KernelSymbols kernel_symbols = m_payload.symbols();
        Symbolizer symbols(kernel_symbols, ProgramSymbols(), kernel_start, kernel_end);
        MemoryProbe probe = m_readable.probe();
        std::vector<uint64_t> pcs(max_backtrace_depth);
        pcs.resize(walk_backtrace(registers, cfi, symbols, probe, pcs.data(), pcs.size()));
        return pcs;
    }

    UnwindRegisters registers;
    std::vector<uint64_t> m_stack;
    EhFrameBuilder m_builder;
    EhFrame m_cfi;
    kernel_test::ReadableRanges m_readable;
    kernel_test::SymbolPayload m_payload;
};

using Pcs = std::vector<uint64_t>;

TEST_F(ThreeFrames, StepsRecoverTheCallersRegisters) {
    MemoryProbe probe = m_readable.probe();
    auto step = unwind_step(m_cfi, probe, registers, false);
    ASSERT_OK(step);
    EXPECT_FALSE(step.value().outermost);
    EXPECT_EQ(registers.rip(), 0x402055u);
    EXPECT_EQ(registers.rsp(), slot(2));
    EXPECT_EQ(registers.values[cfi_rbx], 0xb0bu);
    EXPECT_EQ(registers.rbp(), slot(4)) << "untouched by leaf";

    auto middle = unwind_step(m_cfi, probe, registers, true);
    ASSERT_OK(middle);
    EXPECT_EQ(registers.rip(), 0x403010u);
    EXPECT_EQ(registers.rsp(), slot(6));
    EXPECT_EQ(registers.rbp(), 0x5a5au);

    auto start = unwind_step(m_cfi, probe, registers, true);
    ASSERT_OK(start);
    EXPECT_TRUE(start.value().outermost);
}

TEST_F(ThreeFrames, BacktraceFollowsTheCfi) {
    EXPECT_EQ(walk(m_cfi), (Pcs{0x401010, 0x402055, 0x403010}));
}

TEST_F(ThreeFrames, NoCfiFallsBackToFramePointers) {
    // rbp leads to middle's frame: [saved rbp 0x5a5a][0x403010]; 0x5a5a is not a frame.
    EXPECT_EQ(walk(EhFrame()), (Pcs{0x401010, 0x403010}));
    registers.set(cfi_return_address, 0x404000); // no FDE covers it
    EXPECT_EQ(walk(m_cfi), (Pcs{0x404000, 0x403010}));
}

TEST_F(ThreeFrames, UnreadableOrFlatStacksEndTheWalk) {
    registers.set(cfi_rsp, slot(63)); // the return address would be past the readable stack
    registers.set(cfi_rbp, 0);
    EXPECT_EQ(walk(m_cfi), (Pcs{0x401010}));

    EhFrameBuilder flat;
    size_t cie = flat.cie({0x0c, 7, 0, 0x90, 1}); // CFA = rsp: does not climb
    flat.fde(cie, 0x401000, 0x100, {});
    EhFrame flat_cfi(flat.section(), {});
    MemoryProbe probe = m_readable.probe();
    registers.set(cfi_rsp, slot(8));
    EXPECT_ERRNO(unwind_step(flat_cfi, probe, registers, false), EINVAL);
}

TEST_F(ThreeFrames, KernelFramesUseFramePointers) {
    registers.set(cfi_return_address, kernel_start + 0x10);
    EXPECT_EQ(walk(m_cfi), (Pcs{kernel_start + 0x10, 0x403010}));
}

TEST(DwarfExpression, GlibcPltRule) {
    // CFA = rsp + 8 + (((rip & 15) >= 11) << 3)
    Bytes plt = {0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22};
    UnwindRegisters registers;
    registers.set(cfi_rsp, 0x7000);
    kernel_test::ReadableRanges nothing;
    MemoryProbe probe = nothing.probe();
    registers.set(cfi_return_address, 0x40100a);
    EXPECT_EQ(evaluate_dwarf_expression({plt.data(), plt.size()}, registers, probe).value(),
              0x7008u);
    registers.set(cfi_return_address, 0x40100b);
    EXPECT_EQ(evaluate_dwarf_expression({plt.data(), plt.size()}, registers, probe).value(),
              0x7010u);
}

TEST(DwarfExpression, DerefAndErrors) {
    uint64_t saved = 0x1234;
    kernel_test::ReadableRanges readable;
    readable.add(&saved, sizeof saved);
    MemoryProbe probe = readable.probe();
    UnwindRegisters registers;
    registers.set(cfi_rsp, reinterpret_cast<uint64_t>(&saved) - 160);
    Bytes deref = {0x77, 0xa0, 0x01, 0x06}; // breg7 160; deref: a signal frame's CFA
    EXPECT_EQ(evaluate_dwarf_expression({deref.data(), deref.size()}, registers, probe).value(),
              0x1234u);
    Bytes unreadable = {0x77, 0, 0x06};
    EXPECT_ERRNO(
        evaluate_dwarf_expression({unreadable.data(), unreadable.size()}, registers, probe),
        EFAULT);
    Bytes unknown_register = {0x73, 0}; // breg3: rbx is not known here
    EXPECT_ERRNO(evaluate_dwarf_expression({unknown_register.data(), 2}, registers, probe),
                 ENOTSUP);
    Bytes underflow = {0x22};
    EXPECT_ERRNO(evaluate_dwarf_expression({underflow.data(), 1}, registers, probe), EINVAL);
    Bytes overflow(9, 0x30);
    EXPECT_ERRNO(evaluate_dwarf_expression({overflow.data(), overflow.size()}, registers, probe),
                 EINVAL);
    Bytes unsupported = {0x96}; // DW_OP_nop is valid DWARF, but glibc's CFI never needs it
    EXPECT_ERRNO(evaluate_dwarf_expression({unsupported.data(), 1}, registers, probe), ENOTSUP);
    EXPECT_ERRNO(evaluate_dwarf_expression({nullptr, 0}, registers, probe), EINVAL) << "empty";
}

} // namespace
