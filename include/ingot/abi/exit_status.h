// The exit statuses of `ingot run` that are not the program's own, the same on hvt and pvh:
// the kernel chooses them in the guest and the monitor (or the QEMU runner) in the host, and
// users and scripts read them. The numbers follow the shells' and docker's conventions
// (docker run: 125 "the daemon failed", 126 "cannot be invoked"; bash: 128+n "killed by n").
#pragma once

namespace ingot::abi {

// Ingot itself failed, not the program: the kernel panicked or faulted, the guest broke the
// hypercall contract, the sandbox refused a monitor system call, or QEMU failed.
inline constexpr int exit_ingot_failed = 125;
// The program could not be started: a malformed or unsupported ELF, no loader, no memory.
inline constexpr int exit_cannot_execute = 126;
// The program was ended by `signal` (a fault without a handler, kill, or a stop by signal).
constexpr int exit_killed_by(int signal) {
    return 128 + signal;
}

} // namespace ingot::abi
