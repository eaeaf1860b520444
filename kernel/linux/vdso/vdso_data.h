// The [vvar] page: what the vDSO (vdso.cpp) needs to read the clocks in the program, which the
// kernel writes and the program may only read. Header only and freestanding: the kernel and
// the vDSO include it, and the unit tests check the protocol on the host.
//
// A sequence counter guards the fields, as Linux's vdso_data.seq does: the kernel makes it odd
// before it changes them and even again after, and a reader retries when it saw it odd or
// changed, so it never mixes fields of two updates.
#pragma once

#include "time/tsc_clock.h"

#include <stdint.h>

namespace kernel::vdso {

// Data::flags: the TSC may be read in the program and converted as below; without it the
// vDSO makes the syscall.
inline constexpr uint32_t flag_tsc_usable = 1;

// The fields a reader copies out, consistent with each other.
struct ClockParameters {
    uint32_t flags;
    uint32_t cpu; // getcpu's answers
    uint32_t node;
    uint64_t tsc_base;           // the TSC at which CLOCK_MONOTONIC was 0
    uint64_t multiplier;         // tsc_clock::ticks_to_ns's
    uint64_t realtime_offset_ns; // CLOCK_REALTIME minus CLOCK_MONOTONIC
};

struct Data {
    uint32_t sequence;
    uint32_t reserved;
    ClockParameters parameters;
};

// The kernel's side: makes `parameters` what readers see.
inline void publish(Data& data, const ClockParameters& parameters) {
    uint32_t sequence = __atomic_load_n(&data.sequence, __ATOMIC_RELAXED);
    __atomic_store_n(&data.sequence, sequence + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    data.parameters = parameters;
    __atomic_store_n(&data.sequence, sequence + 2, __ATOMIC_RELEASE);
}

// One attempt to read: false when an update was under way or happened meanwhile.
inline bool try_read(const volatile Data& data, ClockParameters& out) {
    uint32_t before = __atomic_load_n(&data.sequence, __ATOMIC_ACQUIRE);
    if (before & 1)
        return false;
    out.flags = data.parameters.flags;
    out.cpu = data.parameters.cpu;
    out.node = data.parameters.node;
    out.tsc_base = data.parameters.tsc_base;
    out.multiplier = data.parameters.multiplier;
    out.realtime_offset_ns = data.parameters.realtime_offset_ns;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&data.sequence, __ATOMIC_RELAXED) == before;
}

inline uint64_t monotonic_ns(const ClockParameters& parameters, uint64_t tsc) {
    return tsc_clock::ticks_to_ns(tsc - parameters.tsc_base, parameters.multiplier);
}

inline uint64_t realtime_ns(const ClockParameters& parameters, uint64_t tsc) {
    return parameters.realtime_offset_ns + monotonic_ns(parameters, tsc);
}

} // namespace kernel::vdso
