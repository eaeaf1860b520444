// What the rest of the kernel needs from the machine it runs on. A kernel carries one platform
// or both (abi::component_hvt, component_pvh): the entry point it was started through (hvt: the
// Ingot monitor's 64-bit entry; pvh: the PVH note's 32-bit entry) selects the implementation
// once, at boot (platform_interface.h).
#pragma once

#include "lib/error_or.h"
#include "net/address.h"
#include "net/net_device.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/hypercall.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::platform {

void initialize(const abi::BootInfo& boot_info);
void select(abi::Platform platform);
abi::Platform active();

// `data` may be the program's memory, made present by the caller (AddressSpace::populate): a
// platform whose host takes guest-physical ranges (hvt) copies it into a buffer of its own.
ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length);
// Returns 0 at end of input; EAGAIN when nothing is ready.
ErrorOr<size_t> console_read(void* data, size_t length);
// Blocks until an event in `interest` or the timeout; returns the ready events.
uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns);
[[noreturn]] void exit(int status);
[[noreturn]] void crash(const abi::CrashArgs& crash);

abi::StreamKind stream_kind(int fd);

// Drops every translation the CPU may cache for the program's half of the address space
// (CpuTlb calls it for the kernel in ring 3, where it cannot flush by itself).
void flush_tlb();

// Finds and starts devices, once the frame allocator and the clock are up.
void start_devices();

// The network device start_devices() found (hvt: the monitor's rings when `ingot run --net`
// or -p gave one; pvh: virtio-net), or null; and how its interface is to be configured.
net::NetDevice* net_device();
net::InterfaceConfig net_config();

// Where host signals (SIGINT, SIGTERM, SIGHUP sent to `ingot run`; SIGPIPE on pvh) show up, bit n -
// 1 for signal n; null when they cannot arrive. `program_load_bias` is for hvt's crash reports.
volatile uint64_t* host_signals(uint64_t program_load_bias);

} // namespace kernel::platform
