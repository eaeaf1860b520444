#include "launch/launch.h"

#include "launch/launch_image.h"
#include "net/host_network.h"
#include "qemu/qemu_runner.h"
#include "sandbox/monitor_sandbox.h"
#include "sandbox/privileges.h"
#include "vmm/monitor.h"

#include <fmt/format.h>

namespace ingot {

int launch(const LaunchPlan& plan, const ProxyHandover& handover) {
    LaunchImage image(plan);
    prepare_sandbox();
    // QEMU's user is ingot's: the proxy on qemu keeps it, without capabilities.
    SandboxPlan sandbox = plan.hvt() ? plan.hvt()->sandbox : SandboxPlan{};
    // Lives until the guest is gone: then the proxy stops and a tap ingot created vanishes.
    // User-mode networking: a libslirp thread on hvt, QEMU's own slirp on qemu.
    UserNetworkSettings user_network{!plan.qemu(),
                                     [sandbox] { seal_user_network_thread(sandbox); }};
    std::optional<HostNetwork> network = set_up_network(
        plan.network, [sandbox] { seal_proxy_thread(sandbox); }, std::move(user_network), handover);
    if (network && plan.verbose)
        fmt::print(stderr, "ingot: network: {}\n", network->description());
    if (auto notice = network ? network->dhcp_notice() : std::nullopt)
        fmt::print(stderr, "ingot: {}\n", *notice);
    std::optional<NetworkAttachment> attachment;
    if (network)
        attachment = network->attachment();
    if (plan.qemu()) {
        // QEMU, ingot's child, inherits it: nothing it runs gains privileges (QEMU needs none).
        forbid_new_privileges();
        return run_on_qemu(plan, image, attachment);
    }
    return run_on_kvm(plan, image.image(), image.backing(), attachment);
}

} // namespace ingot
