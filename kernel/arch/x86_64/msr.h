// Model-specific registers (ring 0 only: the pvh platform).
#pragma once

#include <stdint.h>

namespace kernel::cpu {

inline uint64_t read_msr(uint32_t index) {
    uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(index));
    return (static_cast<uint64_t>(high) << 32) | low;
}

inline void write_msr(uint32_t index, uint64_t value) {
    asm volatile("wrmsr"
                 :
                 : "c"(index), "a"(static_cast<uint32_t>(value)),
                   "d"(static_cast<uint32_t>(value >> 32)));
}

namespace msr {
inline constexpr uint32_t apic_base = 0x1b;
inline constexpr uint32_t tsc_deadline = 0x6e0;
inline constexpr uint32_t star = 0xc0000081;
inline constexpr uint32_t lstar = 0xc0000082;
inline constexpr uint32_t fmask = 0xc0000084;
inline constexpr uint32_t fs_base = 0xc0000100;
inline constexpr uint32_t kvm_system_time = 0x4b564d01;
} // namespace msr

} // namespace kernel::cpu
