#include "debug/cfa_program.h"

namespace kernel::debug {

namespace {

// DW_CFA_*: the low six bits carry an operand for the first three.
enum Opcode : uint8_t {
    advance_loc = 0x40,
    offset = 0x80,
    restore = 0xc0,
    nop = 0x00,
    advance_loc1 = 0x02,
    advance_loc2 = 0x03,
    advance_loc4 = 0x04,
    offset_extended = 0x05,
    restore_extended = 0x06,
    undefined = 0x07,
    same_value = 0x08,
    register_ = 0x09,
    remember_state = 0x0a,
    restore_state = 0x0b,
    def_cfa = 0x0c,
    def_cfa_register = 0x0d,
    def_cfa_offset = 0x0e,
    def_cfa_expression = 0x0f,
    expression = 0x10,
    offset_extended_sf = 0x11,
    def_cfa_sf = 0x12,
    def_cfa_offset_sf = 0x13,
    val_offset = 0x14,
    val_offset_sf = 0x15,
    gnu_args_size = 0x2e,
    gnu_negative_offset_extended = 0x2f,
};

class Interpreter {
public:
    Interpreter(const Fde& fde, uint64_t pc) : m_fde(fde), m_pc(pc), m_location(fde.pc_begin) {}

    // Runs `instructions` until they end or pass pc; `done` tells which.
    ErrorOr<void> run(const CfiBytes& instructions, bool& done);
    UnwindRow row;
    UnwindRow initial;

private:
    void advance(uint64_t delta, bool& done);
    // Rules for registers past the return address (vector registers) are read and dropped:
    // a backtrace does not need them.
    RegisterRule* rule(uint64_t reg) {
        return reg < cfi_register_count ? &row.registers[reg] : nullptr;
    }
    ErrorOr<CfiExpression> read_expression(CfiReader& reader);
    void set(uint64_t reg, RegisterRule::Kind kind, int64_t offset);

    const Fde& m_fde;
    uint64_t m_pc;
    uint64_t m_location;
    UnwindRow m_remembered[max_remembered_rows];
    size_t m_remembered_count = 0;
};

// Past the end of the address space is past pc too.
void Interpreter::advance(uint64_t delta, bool& done) {
    uint64_t step;
    if (__builtin_mul_overflow(delta, m_fde.code_alignment, &step) ||
        !range_end(m_location, step, m_location) || m_location > m_pc)
        done = true;
}

ErrorOr<CfiExpression> Interpreter::read_expression(CfiReader& reader) {
    CfiBytes bytes = TRY(reader.take(TRY(reader.uleb128())));
    return CfiExpression{bytes.bytes, bytes.size};
}

void Interpreter::set(uint64_t reg, RegisterRule::Kind kind, int64_t offset) {
    if (RegisterRule* target = rule(reg)) {
        *target = {};
        target->kind = kind;
        target->offset = offset;
    }
}

// A factored offset: the operand times the CIE's data alignment.
ErrorOr<int64_t> factored(int64_t operand, int64_t alignment) {
    int64_t result;
    if (__builtin_mul_overflow(operand, alignment, &result))
        return EINVAL;
    return result;
}

ErrorOr<int64_t> unsigned_factored(uint64_t operand, int64_t alignment) {
    if (operand > static_cast<uint64_t>(INT64_MAX))
        return EINVAL;
    return factored(static_cast<int64_t>(operand), alignment);
}

ErrorOr<void> Interpreter::run(const CfiBytes& instructions, bool& done) {
    CfiReader reader(instructions);
    int64_t alignment = m_fde.data_alignment;
    while (!reader.at_end() && !done) {
        uint8_t opcode = TRY(reader.u8());
        uint8_t operand = opcode & 0x3f;
        switch (opcode & 0xc0) {
        case advance_loc:
            advance(operand, done);
            continue;
        case offset:
            set(operand, RegisterRule::Kind::offset,
                TRY(unsigned_factored(TRY(reader.uleb128()), alignment)));
            continue;
        case restore:
            if (RegisterRule* target = rule(operand))
                *target = initial.registers[operand];
            continue;
        }
        switch (opcode) {
        case nop:
            break;
        case gnu_args_size: // what the callee popped: rsp is found from the CFA anyway
            TRY(reader.uleb128());
            break;
        case advance_loc1:
            advance(TRY(reader.u8()), done);
            break;
        case advance_loc2:
            advance(TRY(reader.u16()), done);
            break;
        case advance_loc4:
            advance(TRY(reader.u32()), done);
            break;
        case offset_extended:
        case val_offset: {
            uint64_t reg = TRY(reader.uleb128());
            int64_t value = TRY(unsigned_factored(TRY(reader.uleb128()), alignment));
            set(reg,
                opcode == val_offset ? RegisterRule::Kind::val_offset : RegisterRule::Kind::offset,
                value);
            break;
        }
        case offset_extended_sf:
        case val_offset_sf: {
            uint64_t reg = TRY(reader.uleb128());
            int64_t value = TRY(factored(TRY(reader.sleb128()), alignment));
            set(reg,
                opcode == val_offset_sf ? RegisterRule::Kind::val_offset
                                        : RegisterRule::Kind::offset,
                value);
            break;
        }
        case gnu_negative_offset_extended: {
            uint64_t reg = TRY(reader.uleb128());
            int64_t value = TRY(unsigned_factored(TRY(reader.uleb128()), alignment));
            set(reg, RegisterRule::Kind::offset, -value);
            break;
        }
        case restore_extended: {
            uint64_t reg = TRY(reader.uleb128());
            if (RegisterRule* target = rule(reg))
                *target = initial.registers[reg];
            break;
        }
        case undefined:
            set(TRY(reader.uleb128()), RegisterRule::Kind::undefined, 0);
            break;
        case same_value:
            set(TRY(reader.uleb128()), RegisterRule::Kind::same_value, 0);
            break;
        case register_: {
            uint64_t reg = TRY(reader.uleb128());
            uint64_t source = TRY(reader.uleb128());
            if (source >= cfi_register_count)
                return ENOTSUP;
            set(reg, RegisterRule::Kind::in_register, 0);
            if (RegisterRule* target = rule(reg))
                target->reg = static_cast<uint16_t>(source);
            break;
        }
        case remember_state:
            if (m_remembered_count == max_remembered_rows)
                return EINVAL;
            m_remembered[m_remembered_count++] = row;
            break;
        case restore_state:
            if (m_remembered_count == 0)
                return EINVAL;
            row = m_remembered[--m_remembered_count];
            break;
        case def_cfa:
        case def_cfa_sf: {
            uint64_t reg = TRY(reader.uleb128());
            int64_t value = opcode == def_cfa ? TRY(unsigned_factored(TRY(reader.uleb128()), 1))
                                              : TRY(factored(TRY(reader.sleb128()), alignment));
            if (reg >= cfi_register_count)
                return ENOTSUP;
            row.cfa = {false, static_cast<uint16_t>(reg), value, {}};
            break;
        }
        case def_cfa_register: {
            uint64_t reg = TRY(reader.uleb128());
            if (reg >= cfi_register_count)
                return ENOTSUP;
            row.cfa.is_expression = false;
            row.cfa.reg = static_cast<uint16_t>(reg);
            break;
        }
        case def_cfa_offset:
        case def_cfa_offset_sf:
            row.cfa.is_expression = false;
            row.cfa.offset = opcode == def_cfa_offset
                                 ? TRY(unsigned_factored(TRY(reader.uleb128()), 1))
                                 : TRY(factored(TRY(reader.sleb128()), alignment));
            break;
        case def_cfa_expression:
            row.cfa.is_expression = true;
            row.cfa.expression = TRY(read_expression(reader));
            break;
        case expression: {
            uint64_t reg = TRY(reader.uleb128());
            CfiExpression bytes = TRY(read_expression(reader));
            set(reg, RegisterRule::Kind::expression, 0);
            if (RegisterRule* target = rule(reg))
                target->expression = bytes;
            break;
        }
        default:
            // DW_CFA_set_loc, val_expression and vendor extensions: not emitted for the code
            // a static x86-64 program carries.
            return ENOTSUP;
        }
    }
    return {};
}

} // namespace

ErrorOr<UnwindRow> unwind_row_at(const Fde& fde, uint64_t pc) {
    if (pc < fde.pc_begin || pc >= fde.pc_end)
        return EINVAL;
    Interpreter interpreter(fde, pc);
    bool done = false;
    TRY(interpreter.run(fde.initial_instructions, done));
    // DW_CFA_restore goes back to what the CIE set up.
    interpreter.initial = interpreter.row;
    if (!done)
        TRY(interpreter.run(fde.instructions, done));
    return interpreter.row;
}

} // namespace kernel::debug
