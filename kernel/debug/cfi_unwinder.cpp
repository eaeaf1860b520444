#include "debug/cfi_unwinder.h"

#include "debug/dwarf_expression.h"

namespace kernel::debug {

namespace {

ErrorOr<uint64_t> canonical_frame_address(const CfaRule& rule, const UnwindRegisters& registers,
                                          const MemoryProbe& memory) {
    if (rule.is_expression)
        return evaluate_dwarf_expression(rule.expression, registers, memory);
    if (!registers.is_known(rule.reg))
        return ENOTSUP;
    return registers.values[rule.reg] + static_cast<uint64_t>(rule.offset);
}

} // namespace

ErrorOr<UnwindStep> unwind_step(const EhFrame& cfi, const MemoryProbe& memory,
                                UnwindRegisters& registers, bool after_call) {
    if (!registers.is_known(cfi_return_address))
        return EINVAL;
    // A return address is the instruction after the call, which may begin the next function
    // or another row: the call itself is the one before.
    uint64_t pc = registers.rip() - (after_call ? 1 : 0);
    Fde fde = TRY(cfi.find(pc));
    UnwindRow row = TRY(unwind_row_at(fde, pc));
    if (fde.return_register != cfi_return_address)
        return ENOTSUP;
    uint64_t cfa = TRY(canonical_frame_address(row.cfa, registers, memory));
    // The caller's stack lies above the callee's: a CFA that does not climb is a loop.
    if (!registers.is_known(cfi_rsp) || cfa <= registers.rsp())
        return EINVAL;

    UnwindRegisters caller = registers;
    for (size_t reg = 0; reg < cfi_register_count; ++reg) {
        const RegisterRule& rule = row.registers[reg];
        switch (rule.kind) {
        case RegisterRule::Kind::same_value:
            break;
        case RegisterRule::Kind::undefined:
            caller.forget(reg);
            break;
        case RegisterRule::Kind::offset:
            caller.set(reg, TRY(read_stack_word(cfa + static_cast<uint64_t>(rule.offset), memory)));
            break;
        case RegisterRule::Kind::val_offset:
            caller.set(reg, cfa + static_cast<uint64_t>(rule.offset));
            break;
        case RegisterRule::Kind::in_register:
            if (registers.is_known(rule.reg))
                caller.set(reg, registers.values[rule.reg]);
            else
                caller.forget(reg);
            break;
        case RegisterRule::Kind::expression:
            caller.set(reg, TRY(read_stack_word(
                                TRY(evaluate_dwarf_expression(rule.expression, registers, memory)),
                                memory)));
            break;
        }
    }
    // The CFA is by definition the caller's rsp, unless a rule says otherwise.
    if (row.registers[cfi_rsp].kind == RegisterRule::Kind::same_value)
        caller.set(cfi_rsp, cfa);

    UnwindStep step;
    step.after_call = !fde.signal_frame;
    // The return address's own rule is the frame's: same_value would give back this pc.
    const RegisterRule& return_rule = row.registers[cfi_return_address];
    step.outermost = return_rule.kind == RegisterRule::Kind::undefined ||
                     return_rule.kind == RegisterRule::Kind::same_value ||
                     !caller.is_known(cfi_return_address) || caller.rip() == 0;
    registers = caller;
    return step;
}

} // namespace kernel::debug
