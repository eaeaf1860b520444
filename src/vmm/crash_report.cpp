#include "vmm/crash_report.h"

#include "vmm/guest_page_walker.h"
#include "vmm/unwinder.h"

#include <fmt/format.h>

#include <cstdio>

namespace ingot {

void print_crash_report(const CrashScene& scene, const Image& image, GuestMemory& memory) {
    GuestPageWalker walker(memory, scene.cr3);
    // The image is itself the kernel's ELF (its symbols and call-frame information).
    Unwinder unwinder(image.bytes, image.program, scene.program_bias, walker);
    const kvm_regs& r = scene.registers;
    std::string report = fmt::format("ingot: the {} crashed: {}\n",
                                     scene.in_kernel ? "kernel" : "program", scene.headline);
    report += fmt::format("ingot:   at {:#x} {}\n", r.rip, unwinder.describe(r.rip));
    report += "ingot: backtrace:\n";
    auto frames = unwinder.backtrace(r, 32);
    for (size_t i = 0; i < frames.size(); ++i)
        report += fmt::format("ingot:   #{:<2} {:#018x} {}\n", i, frames[i].pc, frames[i].location);
    report += "ingot: registers:\n";
    const std::pair<const char*, uint64_t> values[] = {
        {"rip", r.rip}, {"rsp", r.rsp}, {"rbp", r.rbp}, {"rflags", r.rflags}, {"rax", r.rax},
        {"rbx", r.rbx}, {"rcx", r.rcx}, {"rdx", r.rdx}, {"rsi", r.rsi},       {"rdi", r.rdi},
        {"r8", r.r8},   {"r9", r.r9},   {"r10", r.r10}, {"r11", r.r11},       {"r12", r.r12},
        {"r13", r.r13}, {"r14", r.r14}, {"r15", r.r15},
    };
    for (size_t i = 0; i < std::size(values); ++i) {
        report += fmt::format("{}{:>6} {:#018x}", i % 4 == 0 ? "ingot: " : "  ", values[i].first,
                              values[i].second);
        if (i % 4 == 3 || i + 1 == std::size(values))
            report += "\n";
    }
    std::fwrite(report.data(), 1, report.size(), stderr);
    std::fflush(stderr);
}

} // namespace ingot
