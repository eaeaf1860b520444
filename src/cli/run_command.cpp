#include "cli/commands.h"
#include "cli/identity_options.h"
#include "cli/program_image.h"
#include "cli/program_manifest.h"
#include "image/image.h"
#include "net/host_network.h"
#include "net/network_options.h"
#include "qemu/qemu_runner.h"
#include "sandbox/monitor_sandbox.h"
#include "support/error.h"
#include "support/file.h"
#include "vmm/monitor.h"
#include "vmm/volume/volume_spec.h"

namespace ingot {

namespace {

struct RunSettings {
    std::string target;
    std::string platform = "hvt";
    ProgramOptions options;
    FileOptions files;
    bool trace_syscalls = false;
    bool print_stats = false;
    bool boot_trace = false;
    bool verbose = false;
    int stop_timeout = 10; // seconds; -1: no limit
    bool raw_console = false;
    std::string qemu;
    std::string qemu_machine;
    std::string accelerator;
    NetworkOptions network;
    IdentityOptions identity;
    std::vector<std::string> volumes; // -v HOSTDIR:GUESTDIR[:ro]
};

// Options that mean something on one platform only are refused on the other, not ignored.
void check_platform_options(const RunSettings& settings) {
    if (settings.platform == "qemu") {
        if (settings.print_stats)
            fail("--stats counts the hvt monitor's exits and hypercalls: use it with "
                 "--platform hvt");
        return;
    }
    for (auto [given, option] : {std::pair{!settings.qemu.empty(), "--qemu"},
                                 {!settings.qemu_machine.empty(), "--qemu-machine"},
                                 {!settings.accelerator.empty(), "--accel"}})
        if (given)
            fail("{} is an option of --platform qemu", option);
}

std::optional<std::chrono::seconds> stop_timeout(const RunSettings& settings) {
    if (settings.stop_timeout < 0)
        return std::nullopt;
    return std::chrono::seconds(settings.stop_timeout);
}

// The hvt monitor serves volumes itself: it may make the server's calls, and when it gives up
// root it continues as the volumes' owner, so that the guest may change them. Root's volumes
// keep it root's user, still without any capability (docs/design.md, "The monitor's sandbox").
void plan_volume_service(const std::vector<VolumeSpec>& volumes, SandboxPlan& sandbox) {
    if (volumes.empty())
        return;
    sandbox.serves_volumes = true;
    if (!sandbox.identity)
        return;
    auto owner = volume_owner(volumes);
    if (!owner) {
        fmt::print(stderr, "ingot: the volumes' directories belong to different users: the "
                           "monitor serves them as user nobody\n");
        return;
    }
    if (owner->uid == 0)
        sandbox.identity.reset(); // no switch: each thread drops its capabilities itself
    else
        sandbox.identity = owner;
}

int boot(const RunSettings& settings, const std::optional<NetworkPlan>& network_plan,
         const std::optional<abi::Identity>& identity, const std::vector<VolumeSpec>& volumes,
         const Image& image, const std::string& image_path,
         const std::vector<std::string>& arguments, const std::vector<std::string>& environment) {
    std::optional<uint64_t> memory_size =
        parse_memory_option(settings.options.memory, "--mem", BareNumber::mebibytes);
    SandboxPlan sandbox = plan_sandbox(settings.platform == "hvt");
    if (settings.platform == "hvt")
        plan_volume_service(volumes, sandbox);
    // Lives until the guest is gone: then the proxy stops and a tap ingot created vanishes.
    std::optional<HostNetwork> network =
        set_up_network(network_plan, [sandbox] { seal_proxy_thread(sandbox); });
    if (network && settings.verbose)
        fmt::print(stderr, "ingot: network: {}\n", network->description());
    if (auto notice = network ? network->dhcp_notice() : std::nullopt)
        fmt::print(stderr, "ingot: {}\n", *notice);
    if (settings.platform == "qemu") {
        QemuRunOptions options;
        options.qemu = settings.qemu;
        options.machine = settings.qemu_machine.empty() ? "microvm" : settings.qemu_machine;
        options.accelerator = settings.accelerator;
        options.arguments = arguments;
        options.environment = environment;
        options.memory_size = memory_size;
        options.trace_syscalls = settings.trace_syscalls;
        options.boot_trace = settings.boot_trace;
        options.verbose = settings.verbose;
        options.stop_timeout = stop_timeout(settings);
        options.raw_console = settings.raw_console;
        if (network)
            options.network = network->attachment();
        options.identity = identity;
        options.volumes = volumes;
        // QEMU, ingot's child, inherits it: nothing it runs gains privileges (QEMU needs none).
        forbid_new_privileges();
        return run_on_qemu(image, image_path, options);
    }
    RunOptions options;
    options.trace_syscalls = settings.trace_syscalls;
    options.print_stats = settings.print_stats;
    options.boot_trace = settings.boot_trace;
    options.stop_timeout = stop_timeout(settings);
    options.raw_console = settings.raw_console;
    options.memory_size = memory_size;
    // hvt replaces the whole argv: argv[0] stays the image's.
    options.arguments = arguments;
    if (!options.arguments.empty())
        options.arguments.insert(options.arguments.begin(), image.manifest.arguments.front());
    options.environment = environment;
    if (network)
        options.network = network->attachment();
    options.identity = identity;
    options.volumes = volumes;
    options.sandbox = sandbox;
    // An image file is mapped whole (MappedFile): the guest borrows its payload's pages.
    options.image_backing = image_path.empty() ? ImageBacking::Memory : ImageBacking::FileMapping;
    return run_on_kvm(image, options);
}

int run(const RunSettings& settings) {
    close_inherited_descriptors();
    check_platform_options(settings);
    std::optional<NetworkPlan> network_plan = plan_network(settings.network);
    std::optional<abi::Identity> identity = plan_identity(settings.identity);
    // The first server is also the interface's own DNS setting, as a DHCP lease's would be.
    if (network_plan && identity && identity->dns_count)
        network_plan->guest.dns = identity->dns[0];
    std::vector<VolumeSpec> volumes = parse_volume_options(settings.volumes);
    // With --rootfs the target is a path inside that tree, never an image.
    if (settings.files.rootfs.empty()) {
        MappedFile file(settings.target, "image or program");
        if (looks_like_image(file.bytes())) {
            if (!settings.options.stack.empty())
                fail("--stack is fixed when the image is built; rebuild it to change the stack "
                     "size");
            if (settings.files.any())
                fail("--add and --rootfs are for programs: '{}' is an image, its files are "
                     "fixed when it is built",
                     settings.target);
            Image image = read_image(file.bytes(), settings.target);
            return boot(settings, network_plan, identity, volumes, image, settings.target,
                        settings.options.arguments, settings.options.environment);
        }
    }
    // A plain program: pack it on the fly, in memory; its arguments go into the manifest.
    std::vector<uint8_t> bytes =
        pack_program(settings.target, settings.options, settings.files, settings.target);
    Image image = read_image(bytes, settings.target);
    return boot(settings, network_plan, identity, volumes, image, "", {}, {});
}

void add_network_options(CLI::App& command, NetworkOptions& network) {
    command
        .add_option("-p,--publish", network.published,
                    "Publish a guest port on the host, as with Docker (repeatable). Without --net, "
                    "ingot creates a tap: host end 10.0.2.1/24, guest 10.0.2.15/24")
        ->type_name("[IP:]HOST:GUEST[/udp]")
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
        .add_option("--ip", network.address,
                    "The guest's IPv4 address (with -p alone, default 10.0.2.15/24)")
        ->type_name("ADDR/PREFIX");
    command
        .add_option("--gw", network.gateway,
                    "The guest's gateway (with -p alone: the host end's address, default the "
                    "subnet's first)")
        ->type_name("ADDR");
    command
        .add_option("--mac", network.mac, "The guest's MAC (default: random, locally administered)")
        ->type_name("MAC");
}

} // namespace

void add_run_command(CLI::App& app, Action& action) {
    auto settings = std::make_shared<RunSettings>();
    CLI::App* command =
        app.add_subcommand("run", "Boot an image, or a static program packed on the fly");
    command
        ->add_option("target", settings->target, "An image from 'ingot build', or a static program")
        ->type_name("IMAGE|PROGRAM")
        ->required();
    add_program_options(*command, settings->options);
    add_file_options(*command, settings->files);
    command
        ->add_option("--platform", settings->platform,
                     "Where to run: hvt (Ingot's KVM monitor) or qemu (QEMU, PVH boot)")
        ->check(CLI::IsMember({"hvt", "qemu"}));
    command->add_option("--qemu-machine", settings->qemu_machine,
                        "QEMU machine type (default microvm; pc, q35, ...)");
    command
        ->add_option("--accel", settings->accelerator,
                     "QEMU accelerator (default: kvm where it works, else tcg)")
        ->check(CLI::IsMember({"kvm", "tcg"}));
    command->add_option("--qemu", settings->qemu,
                        "The qemu-system-x86_64 to use (default: $INGOT_QEMU, then the PATH)");
    add_network_options(*command, settings->network);
    add_identity_options(*command, settings->identity);
    command
        ->add_option("-v,--volume", settings->volumes,
                     "Share a host directory with the guest, live, as Docker's -v (repeatable); "
                     "':ro' makes it read-only (EROFS in the guest)")
        ->type_name("HOSTDIR:GUESTDIR[:ro]")
        ->allow_extra_args(false);
    command->add_flag("--trace-syscalls", settings->trace_syscalls,
                      "Print every system call with its arguments and result (on stderr)");
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
    command->add_option("arguments", settings->options.arguments,
                        "Arguments for the program, replacing the image's (after --)");
    command->callback([settings, &action] { action = [settings] { return run(*settings); }; });
}

} // namespace ingot
