// Why the program died, in the words and signal numbers a Linux user expects (segmentation
// fault, illegal instruction, ...). Shared by the hvt monitor, which classifies a stopped
// vCPU, and the guest kernel, which classifies an exception on platforms where exceptions
// reach it: both reports use the same words because they come from this one place. Header
// only and freestanding (no C library), so that both sides include it as is.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ingot::fault {

// Linux's numbers: the kernel has no <signal.h>.
inline constexpr int sigill = 4, sigtrap = 5, sigabrt = 6, sigbus = 7, sigfpe = 8, sigsegv = 11,
                     sigquit = 3, sigsys = 31, sigxcpu = 24, sigxfsz = 25;

inline constexpr uint8_t divide_error = 0, debug = 1, breakpoint = 3, overflow = 4, bound_range = 5,
                         invalid_opcode = 6, stack_fault = 12, general_protection = 13,
                         page_fault = 14, x87_error = 16, alignment_check = 17, simd_error = 19;

struct Facts {
    bool vector_known = false; // KVM does not always record the exception
    uint8_t vector = 0;
    uint32_t error_code = 0;
    uint64_t cr2 = 0;
    uint64_t rsp = 0;
    bool emulation_failure = false; // the hypervisor could not execute the instruction
    bool instruction_known = false;
    uint8_t instruction[4] = {}; // the first bytes at RIP
    // The lowest address of the stack the faulting code ran on, when known (0 otherwise): a
    // fault in the page below it is that stack's overflow, however far the stack pointer is.
    uint64_t stack_lowest = 0;
};

struct Verdict {
    int signal;
    char description[112];
};

namespace detail {

// Appends to the verdict's description; cuts what does not fit.
class Text {
public:
    explicit Text(char* buffer) : m_buffer(buffer) { m_buffer[0] = 0; }
    Text& operator<<(const char* text) {
        while (*text)
            put(*text++);
        return *this;
    }
    // As "{:#x}" in the host's fmt.
    Text& hex(uint64_t value) {
        char digits[16];
        int count = 0;
        do {
            digits[count++] = "0123456789abcdef"[value & 15];
            value >>= 4;
        } while (value);
        *this << "0x";
        while (count)
            put(digits[--count]);
        return *this;
    }
    Text& decimal(unsigned value) {
        char digits[10];
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value);
        while (count)
            put(digits[--count]);
        return *this;
    }

private:
    void put(char c) {
        if (m_length + 1 < sizeof(Verdict::description)) {
            m_buffer[m_length++] = c;
            m_buffer[m_length] = 0;
        }
    }
    char* m_buffer;
    size_t m_length = 0;
};

inline bool is_ud2(const Facts& facts) {
    return facts.instruction_known && facts.instruction[0] == 0x0f && facts.instruction[1] == 0x0b;
}

// DIV or IDIV (F6/F7 with ModRM.reg 6 or 7), after operand-size and REX prefixes.
inline bool is_divide(const Facts& facts) {
    if (!facts.instruction_known)
        return false;
    const uint8_t* bytes = facts.instruction;
    size_t i = 0;
    while (i < 2 && (bytes[i] == 0x66 || (bytes[i] & 0xf0) == 0x40))
        ++i;
    if (i + 1 >= sizeof facts.instruction || (bytes[i] != 0xf6 && bytes[i] != 0xf7))
        return false;
    unsigned reg = (bytes[i + 1] >> 3) & 7;
    return reg == 6 || reg == 7;
}

// A fault just below or at the stack pointer is the stack running into its guard page; so is
// one in the page below a stack whose bounds are known.
inline bool looks_like_stack_overflow(const Facts& facts) {
    constexpr uint64_t page = 4096;
    if (facts.stack_lowest >= page && facts.cr2 >= facts.stack_lowest - page &&
        facts.cr2 < facts.stack_lowest)
        return true;
    return facts.cr2 + (1ull << 20) >= facts.rsp && facts.cr2 < facts.rsp + 256;
}

inline void describe_page_fault(const Facts& facts, Text& text) {
    bool protection = facts.error_code & 1;
    bool write = facts.error_code & 2;
    bool fetch = facts.error_code & 16;
    if (!protection && looks_like_stack_overflow(facts)) {
        text << "stack overflow (access at ";
        text.hex(facts.cr2) << ", in the guard page below the stack)";
        return;
    }
    const char* access = fetch ? "execute" : write ? "write to" : "read from";
    if (protection) {
        text << access << " ";
        text.hex(facts.cr2) << ", which the page's protection forbids";
    } else if (facts.cr2 < 4096) {
        text << "null pointer dereference (" << access << " ";
        text.hex(facts.cr2) << ")";
    } else {
        text << access << " unmapped address ";
        text.hex(facts.cr2);
    }
}

} // namespace detail

inline const char* signal_description(int signal) {
    switch (signal) {
    case sigsegv:
        return "segmentation fault";
    case sigill:
        return "illegal instruction";
    case sigfpe:
        return "arithmetic exception";
    case sigbus:
        return "bus error";
    case sigtrap:
        return "trace/breakpoint trap";
    case sigabrt:
        return "aborted";
    case sigquit:
        return "quit";
    case sigsys:
        return "bad system call";
    case sigxcpu:
        return "CPU time limit exceeded";
    case sigxfsz:
        return "file size limit exceeded";
    default:
        return "killed by a signal";
    }
}

inline Verdict classify(const Facts& facts) {
    Verdict verdict{sigsegv, {}};
    detail::Text text(verdict.description);
    auto say = [&](int signal, const char* words) {
        verdict.signal = signal;
        text << words;
        return verdict;
    };
    if (facts.emulation_failure)
        return say(sigill, "illegal instruction (the hypervisor could not execute it)");
    // KVM reports vector 0 both for a divide error and for "no exception recorded".
    if (!facts.vector_known || facts.vector == divide_error) {
        if (detail::is_divide(facts))
            return say(sigfpe, "integer divide error (division by zero or overflow)");
        if (detail::is_ud2(facts))
            return say(sigill, "illegal instruction (ud2)");
        return say(sigsegv, "fatal CPU exception (triple fault)");
    }
    switch (facts.vector) {
    case page_fault:
        detail::describe_page_fault(facts, text);
        return verdict;
    case general_protection:
        return say(
            sigsegv,
            "general protection fault (a non-canonical address or a privileged instruction)");
    case stack_fault:
        return say(sigsegv, "stack segment fault");
    case invalid_opcode:
        return say(sigill,
                   detail::is_ud2(facts) ? "illegal instruction (ud2)" : "illegal instruction");
    case overflow:
    case bound_range:
        return say(sigsegv, "bound or overflow check failed");
    case x87_error:
    case simd_error:
        return say(sigfpe, "floating-point exception");
    case alignment_check:
        return say(sigbus, "misaligned memory access");
    case debug:
    case breakpoint:
        return say(sigtrap, "breakpoint");
    default:
        say(sigsegv, "CPU exception ");
        text.decimal(facts.vector);
        return verdict;
    }
}

} // namespace ingot::fault
