#include "debug/dwarf_expression.h"

namespace kernel::debug {

namespace {

enum Operation : uint8_t {
    op_deref = 0x06,
    op_const1u = 0x08,
    op_const1s = 0x09,
    op_constu = 0x10,
    op_consts = 0x11,
    op_minus = 0x1c,
    op_and = 0x1a,
    op_plus = 0x22,
    op_plus_uconst = 0x23,
    op_shl = 0x24,
    op_ge = 0x2a,
    op_lit0 = 0x30,
    op_lit31 = 0x4f,
    op_breg0 = 0x70,
    op_breg31 = 0x8f,
};

// Deep enough for glibc's PLT expression, which needs three.
constexpr size_t stack_depth = 8;

class Stack {
public:
    ErrorOr<void> push(uint64_t value) {
        if (m_count == stack_depth)
            return EINVAL;
        m_values[m_count++] = value;
        return {};
    }
    ErrorOr<uint64_t> pop() {
        if (m_count == 0)
            return EINVAL;
        return m_values[--m_count];
    }

private:
    uint64_t m_values[stack_depth];
    size_t m_count = 0;
};

} // namespace

ErrorOr<uint64_t> read_stack_word(uint64_t address, const MemoryProbe& memory) {
    if (!memory.readable(address, sizeof(uint64_t)))
        return EFAULT;
    uint64_t value;
    __builtin_memcpy(&value, reinterpret_cast<const void*>(address), sizeof value);
    return value;
}

ErrorOr<uint64_t> evaluate_dwarf_expression(const CfiExpression& expression,
                                            const UnwindRegisters& registers,
                                            const MemoryProbe& memory) {
    CfiReader reader(CfiBytes{expression.bytes, expression.size, 0});
    Stack stack;
    while (!reader.at_end()) {
        uint8_t operation = TRY(reader.u8());
        if (operation >= op_lit0 && operation <= op_lit31) {
            TRY(stack.push(operation - op_lit0));
            continue;
        }
        if (operation >= op_breg0 && operation <= op_breg31) {
            size_t reg = operation - op_breg0;
            int64_t offset = TRY(reader.sleb128());
            if (!registers.is_known(reg))
                return ENOTSUP;
            TRY(stack.push(registers.values[reg] + static_cast<uint64_t>(offset)));
            continue;
        }
        switch (operation) {
        case op_deref:
            TRY(stack.push(TRY(read_stack_word(TRY(stack.pop()), memory))));
            break;
        case op_const1u:
            TRY(stack.push(TRY(reader.u8())));
            break;
        case op_const1s:
            TRY(stack.push(static_cast<uint64_t>(static_cast<int8_t>(TRY(reader.u8())))));
            break;
        case op_constu:
            TRY(stack.push(TRY(reader.uleb128())));
            break;
        case op_consts:
            TRY(stack.push(static_cast<uint64_t>(TRY(reader.sleb128()))));
            break;
        case op_plus_uconst:
            TRY(stack.push(TRY(stack.pop()) + TRY(reader.uleb128())));
            break;
        case op_minus:
        case op_and:
        case op_plus:
        case op_shl:
        case op_ge: {
            uint64_t top = TRY(stack.pop());
            uint64_t below = TRY(stack.pop());
            uint64_t result = operation == op_minus  ? below - top
                              : operation == op_and  ? below & top
                              : operation == op_plus ? below + top
                              : operation == op_shl
                                  ? (top < 64 ? below << top : 0)
                                  : static_cast<int64_t>(below) >= static_cast<int64_t>(top);
            TRY(stack.push(result));
            break;
        }
        default:
            return ENOTSUP;
        }
    }
    return stack.pop();
}

} // namespace kernel::debug
