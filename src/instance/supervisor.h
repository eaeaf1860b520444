// The supervisor of a detached instance, as conmon is for podman: a process of its own (in a
// session of its own, without a terminal) that starts the launch plan `ingot run -d` resolved
// and stored (`ingot launch-plan`, its child) for each run and each restart, writes the
// child's stdout and stderr into the instance's log, records the child's start and end in the
// state, restarts it by the restart policy, and ends when the instance ends. The launch itself
// cleans its taps and proxies when it ends. The instance started when the launch says its
// guest runs (launch/start_notice.h): a launch that ends before is a start error. The child gets
// SIGTERM should the supervisor die first (PR_SET_PDEATHSIG) until the hvt monitor changes its
// user, which clears that setting (prctl(2)); a VM left so is killed by `ingot rm` of its lost
// instance.
#pragma once

#include "instance/instance_store.h"

#include <string>
#include <string_view>

namespace ingot {

// What the supervisor tells `ingot run -d` on the start pipe: "started\n", or "failed\n" and
// the error ingot run printed.
inline constexpr std::string_view supervisor_started = "started\n";
inline constexpr std::string_view supervisor_failed = "failed\n";

// Runs in the process that will be the supervisor, already detached; `start_fd` is the pipe
// to `ingot run -d`. Never returns.
[[noreturn]] void supervise(const InstanceStore& store, const InstanceConfig& config, int start_fd);

} // namespace ingot
