#include "vmm/fault.h"

#include <fmt/format.h>

#include <csignal>

namespace ingot {

namespace {

constexpr uint8_t divide_error = 0, debug = 1, breakpoint = 3, overflow = 4, bound_range = 5,
                  invalid_opcode = 6, stack_fault = 12, general_protection = 13, page_fault = 14,
                  x87_error = 16, alignment_check = 17, simd_error = 19;

bool is_ud2(const FaultFacts& facts) {
    return facts.instruction && (*facts.instruction)[0] == 0x0f && (*facts.instruction)[1] == 0x0b;
}

// DIV or IDIV (F6/F7 with ModRM.reg 6 or 7), after operand-size and REX prefixes.
bool is_divide(const FaultFacts& facts) {
    if (!facts.instruction)
        return false;
    const auto& bytes = *facts.instruction;
    size_t i = 0;
    while (i < 2 && (bytes[i] == 0x66 || (bytes[i] & 0xf0) == 0x40))
        ++i;
    if (i + 1 >= bytes.size() || (bytes[i] != 0xf6 && bytes[i] != 0xf7))
        return false;
    unsigned reg = (bytes[i + 1] >> 3) & 7;
    return reg == 6 || reg == 7;
}

// A fault just below or at the stack pointer is the stack running into its guard page.
bool looks_like_stack_overflow(const FaultFacts& facts) {
    return facts.cr2 + (1ull << 20) >= facts.rsp && facts.cr2 < facts.rsp + 256;
}

std::string page_fault_text(const FaultFacts& facts) {
    bool protection = facts.error_code & 1;
    bool write = facts.error_code & 2;
    bool fetch = facts.error_code & 16;
    if (!protection && looks_like_stack_overflow(facts))
        return fmt::format("stack overflow (access at {:#x}, in the guard page below the stack)",
                           facts.cr2);
    const char* access = fetch ? "execute" : write ? "write to" : "read from";
    if (protection)
        return fmt::format("{} {:#x}, which the page's protection forbids", access, facts.cr2);
    if (facts.cr2 < 4096)
        return fmt::format("null pointer dereference ({} {:#x})", access, facts.cr2);
    return fmt::format("{} unmapped address {:#x}", access, facts.cr2);
}

} // namespace

const char* signal_description(int signal) {
    switch (signal) {
    case SIGSEGV:
        return "segmentation fault";
    case SIGILL:
        return "illegal instruction";
    case SIGFPE:
        return "arithmetic exception";
    case SIGBUS:
        return "bus error";
    case SIGTRAP:
        return "trace/breakpoint trap";
    case SIGABRT:
        return "aborted";
    case SIGQUIT:
        return "quit";
    case SIGSYS:
        return "bad system call";
    case SIGXCPU:
        return "CPU time limit exceeded";
    case SIGXFSZ:
        return "file size limit exceeded";
    default:
        return "killed by a signal";
    }
}

FaultVerdict classify_fault(const FaultFacts& facts) {
    if (facts.emulation_failure)
        return {SIGILL, "illegal instruction (the hypervisor could not execute it)"};
    // KVM reports vector 0 both for a divide error and for "no exception recorded".
    if (!facts.vector || *facts.vector == divide_error) {
        if (is_divide(facts))
            return {SIGFPE, "integer divide error (division by zero or overflow)"};
        if (is_ud2(facts))
            return {SIGILL, "illegal instruction (ud2)"};
        return {SIGSEGV, "fatal CPU exception (triple fault)"};
    }
    switch (*facts.vector) {
    case page_fault:
        return {SIGSEGV, page_fault_text(facts)};
    case general_protection:
        return {SIGSEGV,
                "general protection fault (a non-canonical address or a privileged instruction)"};
    case stack_fault:
        return {SIGSEGV, "stack segment fault"};
    case invalid_opcode:
        return {SIGILL, is_ud2(facts) ? "illegal instruction (ud2)" : "illegal instruction"};
    case overflow:
    case bound_range:
        return {SIGSEGV, "bound or overflow check failed"};
    case x87_error:
    case simd_error:
        return {SIGFPE, "floating-point exception"};
    case alignment_check:
        return {SIGBUS, "misaligned memory access"};
    case debug:
    case breakpoint:
        return {SIGTRAP, "breakpoint"};
    default:
        return {SIGSEGV, fmt::format("CPU exception {}", *facts.vector)};
    }
}

} // namespace ingot
