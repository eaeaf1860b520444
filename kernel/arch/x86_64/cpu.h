// Thin wrappers over the x86-64 instructions the kernel uses.
#pragma once

#include <stdint.h>

namespace kernel::cpu {

inline uint64_t read_tsc() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<uint64_t>(high) << 32) | low;
}

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

// The kernel runs in ring 3 on PVM hosts; privileged instructions are for ring 0 only.
inline bool is_privileged() {
    uint16_t selector;
    asm volatile("mov %%cs, %0" : "=r"(selector));
    return (selector & 3) == 0;
}

// Ring 0 only (CpuTlb says what ring 3 does instead).
inline void invalidate_page(uint64_t address) {
    asm volatile("invlpg (%0)" : : "r"(address) : "memory");
}

// Ring 0 only: reloading CR3 drops every non-global translation (SDM vol. 3A, 4.10.4.1).
inline void flush_tlb() {
    uint64_t root;
    asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(root) : : "memory");
}

// Without FSGSBASE (QEMU's TCG CPUs, older hardware) only ring 0 can set it, with a WRMSR;
// the pvh platform, which runs in ring 0, says so at boot.
extern bool fs_base_through_msr;

inline void set_fs_base(uint64_t base) {
    if (fs_base_through_msr)
        asm volatile("wrmsr"
                     :
                     : "c"(0xc0000100), "a"(static_cast<uint32_t>(base)),
                       "d"(static_cast<uint32_t>(base >> 32)));
    else
        asm volatile("wrfsbase %0" : : "r"(base));
}

inline bool has_rdrand() {
    return cpuid(1).ecx & (1u << 30);
}

inline bool rdrand(uint64_t& value) {
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
    return ok;
}

// The program's SSE/x87 state; the kernel itself never touches it (-mgeneral-regs-only).
struct alignas(16) FpuState {
    uint8_t bytes[512];
};

inline void save_fpu(FpuState& state) {
    asm volatile("fxsave64 %0" : "=m"(state));
}
inline void restore_fpu(const FpuState& state) {
    asm volatile("fxrstor64 %0" : : "m"(state));
}

} // namespace kernel::cpu
