#include "debug/crash_report.h"

#include "debug/backtrace.h"

#include <ingot/fault_classification.h>
#include <ingot/signal_names.h>

namespace kernel::debug {

namespace {

// Long enough for a demangled C++ name; a longer one is cut, the line still ends.
constexpr size_t line_size = 384;

class Lines {
public:
    explicit Lines(const ReportContext& context) : m_context(context) {}

    // Starts a line: append to it, then finish() it.
    FormatBuffer& start() {
        m_line = FormatBuffer(m_buffer, sizeof m_buffer - 1);
        return m_line;
    }
    void finish() {
        size_t length = m_line.length();
        m_buffer[length++] = '\n';
        m_context.output.write(m_context.output.context, m_buffer, length);
    }

private:
    const ReportContext& m_context;
    char m_buffer[line_size];
    FormatBuffer m_line{m_buffer, sizeof m_buffer - 1};
};

UnwindRegisters unwind_registers(const Registers& r) {
    const uint64_t values[cfi_register_count] = {r.rax, r.rdx, r.rcx, r.rbx, r.rsi, r.rdi,
                                                 r.rbp, r.rsp, r.r8,  r.r9,  r.r10, r.r11,
                                                 r.r12, r.r13, r.r14, r.r15, r.rip};
    UnwindRegisters registers;
    for (size_t reg = 0; reg < cfi_register_count; ++reg)
        registers.set(reg, values[reg]);
    return registers;
}

void print_report(const char* who, const char* headline, const Registers& r,
                  const ReportContext& context) {
    Lines lines(context);
    lines.start().append("ingot: the %s crashed: %s", who, headline);
    lines.finish();
    FormatBuffer& at = lines.start();
    at.append("ingot:   at 0x%lx ", r.rip);
    context.symbols.describe(r.rip, at);
    lines.finish();

    lines.start().append("ingot: backtrace:");
    lines.finish();
    uint64_t pcs[max_backtrace_depth];
    size_t count = walk_backtrace(unwind_registers(r), context.program_cfi, context.symbols,
                                  context.memory, pcs, max_backtrace_depth);
    for (size_t i = 0; i < count; ++i) {
        FormatBuffer& frame = lines.start();
        frame.append("ingot:   #%zu%s 0x%016lx ", i, i < 10 ? " " : "", pcs[i]);
        // A return address points after its call: name the call.
        context.symbols.describe(i == 0 ? pcs[i] : pcs[i] - 1, frame);
        lines.finish();
    }

    lines.start().append("ingot: registers:");
    lines.finish();
    const struct {
        const char* name;
        uint64_t value;
    } values[] = {
        {"rip", r.rip}, {"rsp", r.rsp}, {"rbp", r.rbp}, {"rflags", r.rflags}, {"rax", r.rax},
        {"rbx", r.rbx}, {"rcx", r.rcx}, {"rdx", r.rdx}, {"rsi", r.rsi},       {"rdi", r.rdi},
        {"r8", r.r8},   {"r9", r.r9},   {"r10", r.r10}, {"r11", r.r11},       {"r12", r.r12},
        {"r13", r.r13}, {"r14", r.r14}, {"r15", r.r15},
    };
    constexpr size_t value_count = sizeof values / sizeof values[0];
    FormatBuffer* row = nullptr;
    for (size_t i = 0; i < value_count; ++i) {
        if (i % 4 == 0)
            row = &lines.start();
        row->append("%s%6s 0x%016lx", i % 4 == 0 ? "ingot: " : "  ", values[i].name,
                    values[i].value);
        if (i % 4 == 3 || i + 1 == value_count)
            lines.finish();
    }
}

ingot::fault::Facts facts_of(const ExceptionState& state, const MemoryProbe& memory) {
    ingot::fault::Facts facts;
    facts.vector_known = true;
    facts.vector = state.vector;
    facts.error_code = static_cast<uint32_t>(state.error_code);
    facts.cr2 = state.cr2;
    facts.rsp = state.registers.rsp;
    facts.stack_lowest = state.stack_lowest;
    // The bytes tell a divide from other vector-0 causes and name ud2, as on the monitor.
    if (memory.readable(state.registers.rip, sizeof facts.instruction)) {
        const auto* bytes = reinterpret_cast<const uint8_t*>(state.registers.rip);
        for (size_t i = 0; i < sizeof facts.instruction; ++i)
            facts.instruction[i] = bytes[i];
        facts.instruction_known = true;
    }
    return facts;
}

} // namespace

int report_exception(const ExceptionState& state, const ReportContext& context) {
    ingot::fault::Verdict verdict = ingot::fault::classify(facts_of(state, context.memory));
    char headline[160];
    format(headline, sizeof headline, "%s: %s", ingot::fault::signal_description(verdict.signal),
           verdict.description);
    print_report(state.in_kernel ? "kernel" : "program", headline, state.registers, context);
    return verdict.signal;
}

void report_signal(const abi::CrashArgs& crash, const ReportContext& context) {
    char headline[80];
    int signal = static_cast<int>(crash.signal);
    format(headline, sizeof headline, "%s (%s)", ingot::fault::signal_description(signal),
           ingot::signal_name(signal).text);
    Registers registers{crash.rip, crash.rsp, crash.rbp, 0,         crash.rax, crash.rbx,
                        crash.rcx, crash.rdx, crash.rsi, crash.rdi, crash.r8,  crash.r9,
                        crash.r10, crash.r11, crash.r12, crash.r13, crash.r14, crash.r15};
    print_report("program", headline, registers, context);
}

} // namespace kernel::debug
