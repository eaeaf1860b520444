// The supervisor of a detached instance, as conmon is for podman: a process of its own (in a
// session of its own, without a terminal) that runs `ingot run` as its child, writes the
// child's stdout and stderr into the instance's log, records the child's start and end in the
// state, restarts it by the restart policy, and ends when the instance ends. ingot run itself
// cleans its taps and proxies when it ends. The child gets SIGTERM should the supervisor die
// first (PR_SET_PDEATHSIG) until the hvt monitor changes its user, which clears that setting
// (prctl(2)); a VM left so is killed by `ingot rm` of its lost instance.
#pragma once

#include "instance/instance_store.h"

#include <string>
#include <string_view>

namespace ingot {

// What the supervisor tells `ingot run -d` on the start pipe: "started\n", or "failed\n" and
// the error ingot run printed.
inline constexpr std::string_view supervisor_started = "started\n";
inline constexpr std::string_view supervisor_failed = "failed\n";

// How long a first start may take to fail on ingot run's own checks (the tap, /dev/kvm, QEMU)
// before the instance counts as started; the program's first output counts at once.
inline constexpr int start_window_milliseconds = 300;

// Runs in the process that will be the supervisor, already detached; `start_fd` is the pipe
// to `ingot run -d`. Never returns.
[[noreturn]] void supervise(const InstanceStore& store, const InstanceConfig& config, int start_fd);

// Whether ingot run's last line on stderr, with `exit_status`, is ingot's own error rather
// than the program's: then the instance never started.
bool is_start_error(int exit_status, std::string_view last_stderr_line);

} // namespace ingot
