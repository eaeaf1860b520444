// The hvt hypercall ABI: the guest stores the guest-physical address of an argument block
// (64 bits) into the hypercall window at offset number * 8. The window is guest-physical
// space with no RAM behind it, so the store exits to the monitor (KVM_EXIT_MMIO) from any
// privilege level. The monitor validates the block and every address inside it against
// guest memory before touching it. See docs/hypercalls.md.
#pragma once

#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t hypercall_window_physical = 64ull << 30; // just above the largest RAM
inline constexpr uint64_t hypercall_window_virtual = 0xffffffffc0000000;
inline constexpr uint64_t hypercall_window_size = 2ull << 20;

enum class Hypercall : uint16_t {
    ConsoleWrite = 1,
    ConsoleRead = 2,
    Poll = 3,
    Exit = 4,
    Crash = 5,
    NetSetup = 6, // net_rings.h
    NetKick = 7,
    TlbFlush = 8,      // a kernel in ring 3 (PVM hosts) cannot invalidate its own TLB
    VolumeRequest = 9, // volumes.h
};
inline constexpr uint16_t hypercall_count = 10;

inline constexpr uint64_t hypercall_offset(Hypercall call) {
    return static_cast<uint64_t>(call) * 8;
}

// Streams the monitor writes for the guest. KernelLog goes to the host's stderr.
enum class ConsoleStream : uint32_t { Stdout = 1, Stderr = 2, KernelLog = 3 };

struct ConsoleWriteArgs {
    uint32_t stream;
    uint32_t reserved;
    uint64_t data;   // guest-physical
    uint64_t length; // at most max_console_transfer
    int64_t result;  // bytes written or -errno
};

// Reads what is available on the host's stdin without blocking.
struct ConsoleReadArgs {
    uint64_t data;   // guest-physical
    uint64_t length; // at most max_console_transfer
    int64_t result;  // bytes read, 0 at end of input, -EAGAIN when nothing is ready
};

inline constexpr uint64_t max_console_transfer = 64 * 1024;

// Blocks the vCPU until an event or the timeout. Events reported as bits.
inline constexpr uint64_t poll_event_stdin = 1;
inline constexpr uint64_t poll_event_net = 2; // frames wait in the receive queue

struct PollArgs {
    uint64_t timeout_ns; // UINT64_MAX: no timeout
    uint64_t interest;   // events to wait for
    uint64_t events;     // out: events that are ready
};

struct ExitArgs {
    int32_t status;
    uint32_t reserved;
};

// The program died of a signal the kernel raised on it (abort(), a fatal kill). The monitor
// prints a crash report from these registers and exits with 128 + signal.
struct CrashArgs {
    uint32_t signal;
    uint32_t reserved;
    uint64_t rip;
    uint64_t rsp;
    uint64_t rbp;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

// Drops every translation the vCPU may have cached. The block must lie in guest memory; its
// contents are not read.
struct TlbFlushArgs {
    uint64_t reserved;
};

} // namespace ingot::abi
