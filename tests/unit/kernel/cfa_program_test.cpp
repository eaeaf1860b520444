#include "kernel/cfi_test_support.h"

#include "debug/cfa_program.h"

namespace {

using namespace kernel::debug;
using kernel_test::Bytes;
using Kind = RegisterRule::Kind;

// The row at `pc` of a function at 0x1000 whose FDE holds `instructions`, under the usual
// x86-64 CIE.
class Program {
public:
    explicit Program(Bytes instructions, Bytes initial = kernel_test::entry_rules)
        : m_instructions(std::move(instructions)), m_initial(std::move(initial)) {
        fde.pc_begin = 0x1000;
        fde.pc_end = 0x2000;
        fde.code_alignment = 1;
        fde.data_alignment = -8;
        fde.return_register = 16;
        fde.initial_instructions = {m_initial.data(), m_initial.size(), 0};
        fde.instructions = {m_instructions.data(), m_instructions.size(), 0};
    }
    kernel::ErrorOr<UnwindRow> at(uint64_t pc) const { return unwind_row_at(fde, pc); }
    Fde fde;

private:
    Bytes m_instructions, m_initial;
};

TEST(CfaProgram, EntryRules) {
    auto row = Program({}).at(0x1000);
    ASSERT_OK(row);
    EXPECT_FALSE(row.value().cfa.is_expression);
    EXPECT_EQ(row.value().cfa.reg, cfi_rsp);
    EXPECT_EQ(row.value().cfa.offset, 8);
    EXPECT_EQ(row.value().registers[16].kind, Kind::offset);
    EXPECT_EQ(row.value().registers[16].offset, -8);
    EXPECT_EQ(row.value().registers[cfi_rbx].kind, Kind::same_value);
    EXPECT_ERRNO(Program({}).at(0x2000), EINVAL) << "outside the FDE";
}

TEST(CfaProgram, AdvanceStopsAtThePc) {
    // push rbp at +1; mov rbp,rsp at +4 (advance_loc1 3); a long body (advance_loc2, 4).
    Program program({0x41, 0x0e, 16, 0x86, 2,    0x02, 3, 0x0d, 6, 0x03, 0x00,
                     0x01, 0x0c, 7,  8,    0x04, 0x10, 0, 0,    0, 0x0e, 24});
    EXPECT_EQ(program.at(0x1000).value().cfa.offset, 8);
    auto pushed = program.at(0x1001).value();
    EXPECT_EQ(pushed.cfa.offset, 16);
    EXPECT_EQ(pushed.registers[cfi_rbp].kind, Kind::offset);
    EXPECT_EQ(pushed.registers[cfi_rbp].offset, -16);
    EXPECT_EQ(program.at(0x1003).value().cfa.reg, cfi_rsp);
    EXPECT_EQ(program.at(0x1004).value().cfa.reg, cfi_rbp);
    auto epilogue = program.at(0x1104).value(); // def_cfa rsp+8 after 0x100 more
    EXPECT_EQ(epilogue.cfa.reg, cfi_rsp);
    EXPECT_EQ(epilogue.cfa.offset, 8);
    EXPECT_EQ(program.at(0x1114).value().cfa.offset, 24) << "advance_loc4 then def_cfa_offset";
}

TEST(CfaProgram, RegisterRules) {
    Program program({
        0x05,      3,  3,    // offset_extended rbx at cfa-24
        0x11,      12, 0x7e, // offset_extended_sf r12: -2 * -8 = cfa+16
        0x2f,      13, 1,    // GNU_negative_offset_extended r13: cfa+8
        0x14,      14, 2,    // val_offset r14 = cfa-16
        0x15,      15, 0x7f, // val_offset_sf r15 = cfa+8
        0x09,      0,  5,    // register rax in rdi
        0x07,      1,        // undefined rdx
        0x08,      3,        // same_value rbx (undoes the first)
        0x80 | 20, 1,        // offset for xmm3: beyond what a backtrace tracks, dropped
        0x2e,      16,       // GNU_args_size
        0x00,                // nop
    });
    auto row = program.at(0x1000);
    ASSERT_OK(row);
    const auto& r = row.value().registers;
    EXPECT_EQ(r[cfi_rbx].kind, Kind::same_value);
    EXPECT_EQ(r[12].kind, Kind::offset);
    EXPECT_EQ(r[12].offset, 16);
    EXPECT_EQ(r[13].kind, Kind::offset);
    EXPECT_EQ(r[13].offset, 8);
    EXPECT_EQ(r[14].kind, Kind::val_offset);
    EXPECT_EQ(r[14].offset, -16);
    EXPECT_EQ(r[15].kind, Kind::val_offset);
    EXPECT_EQ(r[15].offset, 8);
    EXPECT_EQ(r[0].kind, Kind::in_register);
    EXPECT_EQ(r[0].reg, 5);
    EXPECT_EQ(r[1].kind, Kind::undefined);
}

TEST(CfaProgram, RestoreAndRememberedState) {
    Program program({
        0x86, 2,        // rbp at cfa-16
        0x0e, 16,       // cfa rsp+16
        0x0a,           // remember_state
        0x41, 0xc6,     // +1: restore rbp (to the CIE's rule: same value)
        0x0e, 8,        //     cfa rsp+8
        0x41, 0x0b,     // +2: restore_state
        0x41, 0x06, 16, // +3: restore_extended r16 (the CIE's: cfa-8) after...
    });
    EXPECT_EQ(program.at(0x1000).value().registers[cfi_rbp].kind, Kind::offset);
    auto restored = program.at(0x1001).value();
    EXPECT_EQ(restored.registers[cfi_rbp].kind, Kind::same_value);
    EXPECT_EQ(restored.cfa.offset, 8);
    auto back = program.at(0x1002).value();
    EXPECT_EQ(back.registers[cfi_rbp].kind, Kind::offset);
    EXPECT_EQ(back.cfa.offset, 16);
    EXPECT_EQ(program.at(0x1003).value().registers[16].offset, -8);
}

TEST(CfaProgram, CfaExpressionsAndRegisterExpressions) {
    // glibc's PLT rule, and a signal trampoline's "r8 saved at rsp+40".
    Program program({0x0f, 11, 0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22, 0x10, 8,
                     2, 0x77, 40});
    auto row = program.at(0x1000);
    ASSERT_OK(row);
    EXPECT_TRUE(row.value().cfa.is_expression);
    EXPECT_EQ(row.value().cfa.expression.size, 11u);
    EXPECT_EQ(row.value().registers[8].kind, Kind::expression);
    EXPECT_EQ(row.value().registers[8].expression.size, 2u);
}

TEST(CfaProgram, MalformedProgramsAreErrors) {
    Bytes overflow(max_remembered_rows + 1, 0x0a);
    EXPECT_ERRNO(Program(overflow).at(0x1000), EINVAL) << "remember_state overflow";
    EXPECT_ERRNO(Program({0x0b}).at(0x1000), EINVAL) << "restore_state with nothing remembered";
    EXPECT_ERRNO(Program({0x0c, 7}).at(0x1000), EINVAL) << "truncated operand";
    EXPECT_ERRNO(Program({0x0f, 20, 0x77}).at(0x1000), EINVAL) << "expression past the end";
    EXPECT_ERRNO(Program({0x05, 0x80}).at(0x1000), EINVAL) << "unterminated LEB128";
    EXPECT_ERRNO(Program({0x01, 0, 0, 0, 0, 0, 0, 0, 0}).at(0x1000), ENOTSUP) << "set_loc";
    EXPECT_ERRNO(Program({0x3f}).at(0x1000), ENOTSUP) << "unknown opcode";
    EXPECT_ERRNO(Program({0x0c, 40, 8}).at(0x1000), ENOTSUP) << "CFA in a vector register";
    EXPECT_ERRNO(
        Program({0x0e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}).at(0x1000),
        EINVAL)
        << "offset past int64";
    // An error after pc is not reached: the row is what applies up to there.
    EXPECT_TRUE(!Program({0x41, 0x3f}).at(0x1000).is_error());
    Bytes long_advance = {0x04, 0xff, 0xff, 0xff, 0xff, 0x04, 0xff, 0xff, 0xff, 0xff};
    EXPECT_TRUE(!Program(long_advance).at(0x1fff).is_error()) << "advancing past the end";
}

} // namespace
