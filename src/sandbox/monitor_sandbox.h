// The monitor as a security boundary (docs/design.md, "The monitor's sandbox"): once set-up is
// done it runs without root, without capabilities, under no_new_privs, and with a seccomp
// allowlist per thread, so that a guest that subverts it gains next to nothing.
#pragma once

#include "sandbox/privileges.h"

#include <sys/types.h>

#include <optional>

namespace ingot {

struct SandboxPlan {
    // Where the hvt monitor goes when started as root; none on qemu (QEMU, ingot's child,
    // needs /dev/kvm and the tap with ingot's privileges) or for an ordinary user.
    std::optional<UnprivilegedIdentity> identity;
    // The hvt monitor serves volumes (-v): its vCPU thread may also make the server's calls.
    bool serves_volumes = false;
};

// The hvt monitor's plan, decided when the launch is resolved (looking a user up may open
// files).
SandboxPlan plan_sandbox();

// Before set-up, on every platform, while files may still be opened: resolves the names the
// report of a refused system call prints. Throws UserError.
void prepare_sandbox();

// Closes every descriptor above stderr that ingot inherited: nothing it runs needs them, and
// QEMU would inherit them too. Call first, before ingot opens anything.
void close_inherited_descriptors();

// The hvt monitor's main thread, after set-up (tap open, proxy bound, /dev/kvm open, guest
// memory mapped, signal handlers installed) and before the guest's first instruction: drops
// the bounding set, switches to the plan's identity, drops the capabilities, then installs
// the vCPU thread's allowlist. Throws UserError.
void seal_vcpu_thread(const SandboxPlan& plan);

// ingot's main thread on --platform qemu, once QEMU (which must inherit no filter) has
// started: drops the capabilities, then installs the console relay's allowlist. Throws
// UserError.
void seal_console_relay_thread(pid_t qemu);

// The port proxy's thread, first thing: its own allowlist. Its capabilities go with the
// monitor's switch of identity when there is one, else at once. Throws UserError.
void seal_proxy_thread(const SandboxPlan& plan);

// The user-mode network's thread (hvt without a tap), first thing: its own allowlist. Its
// capabilities go as the proxy's do. Throws UserError.
void seal_user_network_thread(const SandboxPlan& plan);

} // namespace ingot
