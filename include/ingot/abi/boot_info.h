// What the hvt monitor hands the kernel at entry (RDI holds its guest-physical address).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t boot_info_magic = 0x31544f4f42544f47; // "GOTBOOT1"

enum class Platform : uint32_t { Hvt = 1, Pvh = 2 };

// Host file kinds of the console streams, so isatty() and stdio buffering match the host.
enum class StreamKind : uint8_t { Terminal = 1, Pipe = 2, File = 3, Null = 4 };

inline constexpr uint32_t boot_flag_trace_syscalls = 1u << 0;
// Print the guest's boot timeline (TSC at entry, kernel ready, program entry) on stderr.
inline constexpr uint32_t boot_flag_boot_trace = 1u << 1;
// Keep every `syscall` a trap: do not rewrite the program's syscall sites into calls
// (`ingot run --syscalls trap`).
inline constexpr uint32_t boot_flag_syscall_traps = 1u << 2;

inline constexpr uint64_t kernel_header_magic = 0x3152444854474e49; // "INGTHDR1"

// At the kernel's first byte (guest-physical kernel_physical_base): what the monitor must know
// to set up the CPU before the first instruction, since the kernel may start unprivileged.
struct KernelHeader {
    uint64_t magic;
    uint64_t syscall_entry; // virtual address for MSR_LSTAR
};

struct BootInfo {
    uint64_t magic;
    Platform platform;
    uint32_t flags;
    uint64_t memory_size;
    uint64_t page_table_root;    // guest-physical PML4 (CR3)
    uint64_t first_free_address; // guest-physical; below it: kernel, boot tables (pvh: payload)
    uint64_t tsc_khz;            // 0: the kernel calibrates itself
    uint64_t boot_time_ns;       // host CLOCK_REALTIME when the vCPU was started
    uint64_t arguments;          // guest-physical encoded argument list replacing the image's, or 0
    uint64_t arguments_size;
    uint64_t guest_info;   // guest-physical GuestInfo the kernel fills for crash reports
    uint8_t entropy[32];   // seed for the kernel's random generator
    StreamKind streams[3]; // stdin, stdout, stderr
    uint8_t reserved[5];
    uint64_t network_info; // guest-physical NetworkInfo, or 0: no network device
    uint64_t identity;     // guest-physical Identity (identity.h), or 0: the defaults
    uint64_t volumes;      // guest-physical VolumeTable (volumes.h), or 0: no volumes
    // Guest-physical PayloadHeader (image.h), reached through the direct map: on hvt at
    // payload_region_physical, outside RAM and read-only (memory_layout.h); on pvh in RAM at the
    // first page after the kernel.
    uint64_t payload;
};
static_assert(sizeof(BootInfo) == 152);
static_assert(offsetof(BootInfo, identity) == 128 && offsetof(BootInfo, volumes) == 136);
static_assert(offsetof(BootInfo, payload) == 144);

inline constexpr uint8_t network_flag_dhcp = 1;
// The hvt monitor's host end segments (net_rings.h): it takes TCP segments to cut spanning
// slots (gso TCPV4/TCPV6 with NEEDS_CSUM), and coalesces received ones for a guest that asks.
// Not offered over user-mode networking, whose libslirp takes plain frames only.
inline constexpr uint8_t network_flag_segmentation = 2;
// How long a guest asking DHCP waits for a lease before it takes the documented default
// (10.0.2.15/24 via 10.0.2.1); `ingot run` says so as the wait begins.
inline constexpr uint64_t dhcp_wait_seconds = 10;

// The hvt monitor's network device (net_rings.h) and how the guest's interface is configured.
struct NetworkInfo {
    uint8_t mac[6];
    uint8_t prefix_length;
    uint8_t flags;    // network_flag_*
    uint32_t address; // IPv4, host byte order; 0 with DHCP
    uint32_t gateway; // 0: none
    uint32_t dns;     // 0: none
    uint32_t mtu;     // largest IP packet the link carries
    // IPv6 (--ip6, --gw6), network byte order; all zero: none (the guest still forms its
    // link-local address and listens to router advertisements).
    uint8_t address6[16];
    uint8_t gateway6[16];
    uint8_t prefix_length6;
    uint8_t reserved[7];
};
static_assert(sizeof(NetworkInfo) == 64);
static_assert(offsetof(NetworkInfo, address6) == 24 && offsetof(NetworkInfo, gateway6) == 40 &&
              offsetof(NetworkInfo, prefix_length6) == 56);

inline constexpr uint64_t guest_info_magic = 0x314f464e49544f47; // "GOTINFO1"

// Shared between kernel and monitor. The kernel writes the program's load bias, which the
// monitor reads only to symbolize a crash report (untrusted). The monitor ORs host signals it
// received (bit n - 1 for signal n) into pending_host_signals while the vCPU is stopped; the
// kernel takes them on its next return to the program or idle wake-up.
//
// Events (hvt): the monitor plays the part of the CPU's interrupt delivery, which a PVM host does
// not offer. When KVM_RUN is interrupted (its periodic tick, a host signal) or the program
// faults, and the vCPU was in the program (RIP below user_space_end), it pushes what a CPU
// pushes for an interrupt (SS, RSP, RFLAGS, CS, RIP and, for a vector with one, the error code)
// below event_stack and resumes the vCPU at event_entry + vector * event_stub_size. Interrupted
// in the kernel, it pushes nothing: the kernel checks for due work before it returns to the
// program. Both addresses are 0 until the kernel can take events.
struct GuestInfo {
    uint64_t magic;
    uint64_t program_load_bias;
    uint64_t pending_host_signals;
    uint64_t event_entry;          // virtual: the stub for vector 0
    uint64_t event_stack;          // virtual top of the event stack, 16-byte aligned
    uint64_t event_stack_physical; // the same top, guest-physical
    uint64_t fault_address;        // CR2 of the page fault being delivered
};
static_assert(sizeof(GuestInfo) == 56);

inline constexpr uint64_t event_stub_size = 16;
// The vector of the monitor's periodic tick and of host signals: the program may be preempted.
inline constexpr uint32_t event_vector_tick = 32;
// How often the monitor interrupts a running vCPU: the scheduler's time slice.
inline constexpr uint64_t event_tick_ns = 5'000'000;

} // namespace ingot::abi
