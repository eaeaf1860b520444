// The seccomp allowlists of the monitor's threads. docs/design.md ("The monitor's sandbox")
// lists every call on them with the reason; keep the two in step.
#pragma once

#include "sandbox/privileges.h"
#include "sandbox/syscall_filter.h"

#include <optional>

namespace ingot {

// The hvt monitor's main thread: the vCPU run loop, the hypercalls (console, Poll, network
// device), crash reports and the way out.
void allow_vcpu_thread_calls(SyscallFilter& filter);

// The hvt monitor's main thread when it serves volumes (src/vmm/volume/p9_server.h), in
// addition to the above: file operations relative to descriptors the server holds, each
// resolved beneath the volume (openat2), never a path from the root or the working directory.
void allow_volume_server_calls(SyscallFilter& filter);

// ingot's main thread on --platform qemu once QEMU runs: the console relay, then waiting for
// QEMU (`qemu`, the only process it may signal) and the way out.
void allow_console_relay_calls(SyscallFilter& filter, pid_t qemu);

// The port proxy's thread (-p, on both platforms): its event loop, TCP relays, UDP flows.
// With `identity`, the set*id calls glibc's SIGSETXID broadcast runs on this thread when the
// monitor switches to that identity, pinned to exactly its IDs.
void allow_proxy_thread_calls(SyscallFilter& filter,
                              const std::optional<UnprivilegedIdentity>& identity);

// The user-mode network's thread (src/net/user_network.h, hvt without a tap): libslirp's
// sockets for the guest's connections and the published ports, frames to and from the
// monitor, its timers. With `identity`, as for the proxy.
void allow_user_network_thread_calls(SyscallFilter& filter,
                                     const std::optional<UnprivilegedIdentity>& identity);

} // namespace ingot
