#include "launch/resolve_launch.h"

#include "cli/program_manifest.h"
#include "image/image.h"
#include "image/kernel_components.h"
#include "image/oci_archive_reader.h"
#include "launch/launch_arguments.h"
#include "launch/on_demand_options.h"
#include "launch/resolve_qemu.h"
#include "support/error.h"
#include "support/file.h"
#include "vmm/boot_setup.h"

#include <fmt/format.h>
#include <ingot/abi/components.h>
#include <ingot/abi/memory_layout.h>

#include <algorithm>
#include <filesystem>

namespace ingot {

namespace {

// Options that mean something on one platform only are refused on the other, not ignored.
void check_platform_options(const LaunchSettings& settings) {
    if (settings.platform == "qemu") {
        if (settings.print_stats)
            fail("--stats counts the hvt monitor's exits and hypercalls: use it with "
                 "--platform hvt");
        return;
    }
    for (auto [given, option] : {std::pair{!settings.qemu.empty(), "--qemu"},
                                 {!settings.qemu_machine.empty(), "--qemu-machine"},
                                 {!settings.qemu_console.empty(), "--qemu-console"},
                                 {!settings.accelerator.empty(), "--accel"}})
        if (given)
            fail("{} is an option of --platform qemu", option);
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

// Refusals for a target that is an image: what it fixes when it is built.
void check_image_settings(const LaunchSettings& settings) {
    if (!settings.options.stack.empty())
        fail("--stack is fixed when the image is built; rebuild it to change the stack size");
    if (settings.files.any())
        fail("--add and --rootfs are for programs: '{}' is an image, its files are fixed when it "
             "is built",
             settings.target);
    if (!settings.components.with.empty() || !settings.components.without.empty())
        fail("--with and --without are for programs: '{}' is an image, its kernel's components "
             "are fixed when it is built",
             settings.target);
}

// A component a run asks of its kernel, beyond its platform, and what asks for it.
struct RunNeed {
    uint32_t component;
    const char* what;    // what the component is, for --without's refusal
    const char* options; // the options that need it
};

std::vector<RunNeed> run_needs(const LaunchSettings& settings, bool networked) {
    std::vector<RunNeed> needs;
    if (networked)
        needs.push_back({abi::component_net, "the network stack", "-p, --net and --net-interface"});
    if (!settings.volumes.empty())
        needs.push_back({abi::component_volumes, "the 9P client", "-v"});
    if (settings.trace_syscalls)
        needs.push_back({abi::component_debug, "the syscall tracer", "--trace-syscalls"});
    return needs;
}

// A program packed on the fly gets the kernel for the platform it runs on, with what the run
// needs of it (and the tracer, which it gets unless left out).
ComponentOptions packing_components(const LaunchSettings& settings, bool networked) {
    ComponentOptions components = settings.components;
    components.platforms = settings.platform == "qemu" ? abi::component_pvh : abi::component_hvt;
    const auto& without = components.without;
    for (const RunNeed& need : run_needs(settings, networked)) {
        const char* name = abi::component_name(need.component);
        if (std::find(without.begin(), without.end(), name) != without.end())
            fail("--without {} leaves out {}, needed by {}", name, need.what, need.options);
        components.with.push_back(name);
    }
    return components;
}

// The image's kernel must have the platform it is run on and what the run needs of it.
void check_image_components(const LaunchSettings& settings, const Image& image, bool networked) {
    uint32_t components = kernel_components(image.bytes, settings.target);
    bool qemu = settings.platform == "qemu";
    if (!(components & (qemu ? abi::component_pvh : abi::component_hvt)))
        fail("the image '{}' was built for {} only: run it with --platform {}, or rebuild it with "
             "'ingot build --platform {}'",
             settings.target, qemu ? "hvt" : "pvh", qemu ? "hvt" : "qemu", qemu ? "pvh" : "hvt");
    for (const RunNeed& need : run_needs(settings, networked))
        if (!(components & need.component))
            fail("the image '{}' was built without the '{}' component, so it cannot use {}: "
                 "rebuild it with 'ingot build --with {}'",
                 settings.target, abi::component_name(need.component), need.options,
                 abi::component_name(need.component));
}

} // namespace

LaunchPlan resolve_launch(const LaunchSettings& settings) {
    check_platform_options(settings);
    LaunchPlan plan;
    plan_on_demand(settings, plan);
    plan.network = plan_network(settings.network);
    plan.identity = plan_identity(settings.identity);
    // The first server is also the interface's own DNS setting, as a DHCP lease's would be.
    if (plan.network && plan.identity && plan.identity->dns_count)
        plan.network->guest.dns = plan.identity->dns[0];
    plan.volumes = parse_volume_options(settings.volumes);

    plan.image.name = settings.target;
    // With --rootfs the target is a path inside that tree, never an image.
    std::optional<MappedFile> file;
    bool archived = false;
    if (settings.files.rootfs.empty()) {
        file.emplace(settings.target, "image or program");
        if (looks_like_image(file->bytes())) {
            check_image_settings(settings);
            // Absolute: a stored plan may be started from another directory.
            plan.image.path =
                std::filesystem::absolute(settings.target).lexically_normal().string();
        } else if (oci::looks_like_tar(file->bytes())) {
            // An OCI image archive: its image is held in memory, as a packed program's is,
            // and run as an image file would be.
            check_image_settings(settings);
            plan.image.packed = oci::read_oci_archive(file->bytes(), settings.target).image;
            archived = true;
            file.reset();
        } else {
            file.reset();
        }
    }
    // A plain program is packed on the fly, in memory; its arguments and environment go into
    // the manifest, so the run adds none.
    bool packed = !file && !archived;
    if (packed)
        plan.image.packed =
            pack_program(settings.target, settings.options, settings.files,
                         packing_components(settings, plan.network.has_value()), settings.target);
    std::span<const uint8_t> bytes =
        file ? file->bytes() : std::span<const uint8_t>(plan.image.packed);
    Image image = read_image(bytes, settings.target);
    check_image_components(settings, image, plan.network.has_value());
    plan.image.checksum = image.payload.checksum;
    std::optional<uint64_t> requested_memory =
        parse_memory_option(settings.options.memory, "--mem", BareNumber::mebibytes);

    if (settings.platform == "qemu") {
        QemuPlan qemu = resolve_qemu(settings.qemu, settings.qemu_machine, settings.accelerator,
                                     image, file ? plan.image.path : "image");
        qemu.console = parse_qemu_console(settings.qemu_console);
        plan.platform = qemu;
    } else {
        HvtPlan hvt;
        hvt.print_stats = settings.print_stats;
        hvt.sandbox = plan_sandbox();
        plan_volume_service(plan.volumes, hvt.sandbox);
        plan.platform = hvt;
    }

    plan.arguments = launch_arguments(image.manifest, packed ? std::vector<std::string>{}
                                                             : settings.options.arguments);
    plan.environment =
        merge_environment(image.manifest.environment,
                          packed ? std::vector<std::string>{} : settings.options.environment);
    // The guest holds what it is told at boot too: the estimate counts it, on both platforms.
    size_t told_size = encode_run_time_arguments(
                           run_time_arguments(image.manifest, plan.arguments, plan.environment))
                           .size();
    // hvt maps the payload from the image file outside RAM; QEMU loads it into RAM.
    plan.memory_size =
        guest_memory_size(image, requested_memory, told_size,
                          plan.qemu() ? PayloadPlacement::InRam : PayloadPlacement::OwnRegion);
    plan.stack_size =
        image.manifest.stack_size ? image.manifest.stack_size : abi::default_stack_size;
    if (settings.stop_timeout < 0)
        plan.stop_timeout = std::nullopt;
    else
        plan.stop_timeout = std::chrono::seconds(settings.stop_timeout);
    plan.raw_console = settings.raw_console;
    plan.trace_syscalls = settings.trace_syscalls;
    plan.syscall_traps = settings.syscalls == "trap";
    plan.boot_trace = settings.boot_trace;
    plan.verbose = settings.verbose;
    return plan;
}

} // namespace ingot
