// Symbolized backtraces of a stopped guest, from the kernel's and the program's ELF files
// (their symbols and .eh_frame call-frame information, through elfutils' libdwfl), reading
// the guest's memory through its page tables.
#pragma once

#include "vmm/guest_page_walker.h"

#include <linux/kvm.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot {

struct StackFrame {
    uint64_t pc;
    std::string location; // "function+0x1a (file.c:12)", or "??"
};

class Unwinder {
public:
    Unwinder(std::span<const uint8_t> kernel_elf, std::span<const uint8_t> program_elf,
             uint64_t program_bias, const GuestPageWalker& memory);
    ~Unwinder();
    Unwinder(const Unwinder&) = delete;
    Unwinder& operator=(const Unwinder&) = delete;

    std::string describe(uint64_t pc) const;
    std::vector<StackFrame> backtrace(const kvm_regs& registers, size_t limit) const;

private:
    std::vector<StackFrame> frame_pointer_chain(const kvm_regs& registers, size_t limit) const;

    struct Session;
    Session* m_session = nullptr;
    const GuestPageWalker& m_memory;
};

} // namespace ingot
