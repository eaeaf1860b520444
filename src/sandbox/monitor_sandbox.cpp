#include "sandbox/monitor_sandbox.h"

#include "sandbox/allowlists.h"
#include "sandbox/syscall_filter.h"
#include "support/error.h"

#include <unistd.h>

#include <cerrno>
#include <climits>

namespace ingot {

SandboxPlan plan_sandbox() {
    SandboxPlan plan;
    plan.identity = identity_after_set_up();
    return plan;
}

void prepare_sandbox() {
    install_refusal_reporter();
}

void close_inherited_descriptors() {
    if (::close_range(3, UINT_MAX, 0) == 0)
        return;
    if (errno != ENOSYS)
        fail("cannot close the inherited descriptors: {}", system_error_text(errno));
    // Before Linux 5.9: as many as the limit allows.
    for (long fd = 3, limit = ::sysconf(_SC_OPEN_MAX); fd < limit; ++fd)
        ::close(static_cast<int>(fd));
}

void seal_vcpu_thread(const SandboxPlan& plan) {
    drop_bounding_set();
    if (plan.identity)
        become(*plan.identity);
    drop_capabilities();
    SyscallFilter filter;
    allow_vcpu_thread_calls(filter);
    if (plan.serves_volumes)
        allow_volume_server_calls(filter);
    filter.install();
}

void seal_console_relay_thread(pid_t qemu) {
    drop_bounding_set();
    drop_capabilities();
    SyscallFilter filter;
    allow_console_relay_calls(filter, qemu);
    filter.install();
}

void seal_proxy_thread(const SandboxPlan& plan) {
    drop_bounding_set();
    if (!plan.identity)
        drop_capabilities();
    SyscallFilter filter;
    allow_proxy_thread_calls(filter, plan.identity);
    filter.install();
}

void seal_user_network_thread(const SandboxPlan& plan) {
    drop_bounding_set();
    if (!plan.identity)
        drop_capabilities();
    SyscallFilter filter;
    allow_user_network_thread_calls(filter, plan.identity);
    filter.install();
}

} // namespace ingot
