#include "cli/commands.h"
#include "cli/detach_options.h"
#include "cli/identity_options.h"
#include "cli/program_image.h"
#include "launch/launch_plan_json.h"
#include "launch/on_demand.h"
#include "launch/resolve_launch.h"
#include "net/network_options.h"
#include "sandbox/monitor_sandbox.h"

namespace ingot {

namespace {

int run(const LaunchSettings& settings, const DetachOptions& detach) {
    close_inherited_descriptors();
    LaunchPlan plan = resolve_launch(settings);
    // Detached: every check above has passed on the user's terminal; the supervisor runs it.
    if (auto status = run_detached_if_asked(
            detach, {detach.detach ? format_launch_plan(plan) : std::string(), settings.target,
                     settings.platform, settings.network.published, settings.volumes}))
        return *status;
    return run_plan(plan);
}

void add_network_options(CLI::App& command, NetworkOptions& network) {
    command
        .add_option("-p,--publish", network.published,
                    "Publish a guest port on the host, as with Docker (repeatable): without an "
                    "address on every IPv4 and IPv6 address of the host; an IPv6 address goes in "
                    "brackets, e.g. -p [::1]:8080:80. Without --net, ingot creates a tap (host "
                    "end 10.0.2.1/24, guest 10.0.2.15/24) if it may (root, CAP_NET_ADMIN); else "
                    "it uses user-mode networking (--network user, IPv4 only)")
        ->type_name("[IP:|[IPV6]:]HOST:GUEST[/udp]")
        ->allow_extra_args(false);
    command
        .add_option("--net", network.tap,
                    "Attach the guest to tap NAME (created and brought up if missing; its host "
                    "addresses are yours). Without --ip the guest asks DHCP, falling back to "
                    "10.0.2.15/24")
        ->type_name("NAME")
        ->check(CLI::Validator(
            [](const std::string& name) {
                return name.empty() ? std::string("a tap name is required, e.g. --net tap0")
                                    : std::string();
            },
            "", "tap name"));
    command
        .add_option("--net-interface", network.interface,
                    "Give the guest this interface of ingot's network namespace, its address, "
                    "gateway and MAC (as Kata Containers' tc-filter mode; for container runtimes)")
        ->type_name("IFACE")
        ->check(CLI::Validator(
            [](const std::string& name) {
                return name.empty()
                           ? std::string("an interface name is required, e.g. --net-interface eth0")
                           : std::string();
            },
            "", "interface name"));
    ;
    command
        .add_option("--network", network.mode,
                    "user: user-mode networking (slirp, as podman's rootless default), no tap "
                    "and no root needed: guest 10.0.2.15/24, the host reachable as gateway "
                    "10.0.2.2, DNS 10.0.2.3, -p ports bound as your user")
        ->type_name("user")
        ->check(CLI::IsMember({"user"}));
    command
        .add_option("--ip", network.address,
                    "The guest's IPv4 address (with -p alone, default 10.0.2.15/24)")
        ->type_name("ADDR/PREFIX");
    command
        .add_option("--gw", network.gateway,
                    "The guest's gateway (with -p alone: the host end's address, default the "
                    "subnet's first)")
        ->type_name("ADDR");
    command
        .add_option("--ip6", network.address6,
                    "The guest's static IPv6 address, besides its link-local one and any that "
                    "router advertisements give it")
        ->type_name("ADDR/PREFIX");
    command
        .add_option("--gw6", network.gateway6,
                    "The guest's IPv6 default router (link-local, or in --ip6's prefix)")
        ->type_name("ADDR");
    command
        .add_option("--mac", network.mac, "The guest's MAC (default: random, locally administered)")
        ->type_name("MAC");
}

} // namespace

void add_run_command(CLI::App& app, Action& action) {
    auto settings = std::make_shared<LaunchSettings>();
    auto detach = std::make_shared<DetachOptions>();
    CLI::App* command =
        app.add_subcommand("run", "Boot an image, or a static program packed on the fly");
    command
        ->add_option("target", settings->target, "An image from 'ingot build', or a static program")
        ->type_name("IMAGE|PROGRAM")
        ->required();
    add_program_options(*command, settings->options);
    add_file_options(*command, settings->files);
    add_component_options(*command, settings->components);
    command
        ->add_option("--platform", settings->platform,
                     "Where to run: hvt (Ingot's KVM monitor) or qemu (QEMU, PVH boot)")
        ->check(CLI::IsMember({"hvt", "qemu"}));
    command->add_option("--qemu-machine", settings->qemu_machine,
                        "QEMU machine type (default microvm; pc, q35, ...)");
    command
        ->add_option("--qemu-console", settings->qemu_console,
                     "The console's channel on QEMU: virtio (a virtio-console port, the "
                     "default) or serial (COM1, slow)")
        ->check(
            CLI::IsMember({std::string(qemu_console_virtio), std::string(qemu_console_serial)}));
    command
        ->add_option("--accel", settings->accelerator,
                     "QEMU accelerator (default: kvm where it works, else tcg)")
        ->check(CLI::IsMember({"kvm", "tcg"}));
    command->add_option("--qemu", settings->qemu,
                        "The qemu-system-x86_64 to use (default: $INGOT_QEMU, then the PATH)");
    add_network_options(*command, settings->network);
    add_detach_options(*command, *detach);
    add_identity_options(*command, settings->identity);
    command
        ->add_option("-v,--volume", settings->volumes,
                     "Share a host directory with the guest, live, as Docker's -v (repeatable); "
                     "':ro' makes it read-only (EROFS in the guest)")
        ->type_name("HOSTDIR:GUESTDIR[:ro]")
        ->allow_extra_args(false);
    command->add_flag("--trace-syscalls", settings->trace_syscalls,
                      "Print every system call with its arguments and result (on stderr)");
    command
        ->add_option("--syscalls", settings->syscalls,
                     "How the program's system calls enter the kernel: 'call' rewrites each "
                     "syscall site into a jump the first time it runs (default), 'trap' keeps "
                     "every one a trap")
        ->check(CLI::IsMember({"call", "trap"}));
    command->add_flag("--boot-trace", settings->boot_trace,
                      "Print the guest's boot timeline (on stderr)");
    command->add_flag("--verbose", settings->verbose,
                      "Say what ingot chose (the network's settings; qemu: the accelerator and "
                      "QEMU's command line)");
    command->add_flag("--stats", settings->print_stats,
                      "Print exit and hypercall counts at the end (hvt)");
    command
        ->add_option("--stop-timeout", settings->stop_timeout,
                     "Seconds the program may take to exit after the first SIGINT or SIGTERM "
                     "before the VM is stopped (default 10, as docker's; -1: no limit)")
        ->type_name("SECONDS")
        ->check(CLI::Range(-1, 1000000));
    command->add_flag("--raw-console", settings->raw_console,
                      "Pass the program's control characters to a terminal as they are (by "
                      "default they are shown escaped, as ^[ for ESC)");
    command->add_flag("--on-demand", settings->on_demand,
                      "Listen on the published TCP ports (-p) and boot the VM at the first "
                      "connection, which it then serves; with --idle-stop, boot again after an "
                      "idle stop");
    command
        ->add_option("--idle-stop", settings->idle_stop,
                     "With --on-demand: stop the VM once no connection was open for this long "
                     "(500ms, 30s, 5m; plain numbers are seconds)")
        ->type_name("DURATION");
    command->add_option("arguments", settings->options.arguments,
                        "Arguments for the program, replacing the image's (after --)");
    command->callback([settings, detach, &action] {
        action = [settings, detach] { return run(*settings, *detach); };
    });
}

} // namespace ingot
