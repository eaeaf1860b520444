#include "cli/commands.h"
#include "cli/program_manifest.h"
#include "image/embedded_kernel.h"
#include "image/image.h"
#include "image/program_check.h"
#include "support/error.h"
#include "support/file.h"
#include "vmm/monitor.h"

namespace ingot {

namespace {

struct RunSettings {
    std::string target;
    std::string platform = "hvt";
    ProgramOptions options;
    bool trace_syscalls = false;
    bool print_stats = false;
};

int run(const RunSettings& settings) {
    if (settings.platform != "hvt")
        fail("platform '{}' is not available yet: only 'hvt' (Ingot's KVM monitor) runs images "
             "today",
             settings.platform);
    MappedFile file(settings.target, "image or program");
    RunOptions run_options;
    run_options.trace_syscalls = settings.trace_syscalls;
    run_options.print_stats = settings.print_stats;
    run_options.memory_size = parse_memory_option(settings.options.memory, "--mem");
    if (looks_like_image(file.bytes())) {
        if (!settings.options.stack.empty())
            fail("--stack is fixed when the image is built; rebuild it to change the stack size");
        Image image = read_image(file.bytes(), settings.target);
        run_options.arguments = settings.options.arguments;
        if (!run_options.arguments.empty())
            run_options.arguments.insert(run_options.arguments.begin(),
                                         image.manifest.arguments.front());
        run_options.environment = settings.options.environment;
        return run_on_kvm(image, run_options);
    }
    // A plain program: pack it on the fly, in memory.
    check_program(file.bytes(), settings.target);
    Manifest manifest = program_manifest(settings.target, settings.options);
    std::vector<uint8_t> bytes = build_image(embedded_kernel(), file.bytes(), manifest);
    Image image = read_image(bytes, settings.target);
    return run_on_kvm(image, run_options);
}

} // namespace

void add_run_command(CLI::App& app, Action& action) {
    auto settings = std::make_shared<RunSettings>();
    CLI::App* command =
        app.add_subcommand("run", "Boot an image, or a static program packed on the fly");
    command
        ->add_option("target", settings->target, "An image from 'ingot build', or a static program")
        ->required();
    add_program_options(*command, settings->options);
    command->add_option("--platform", settings->platform, "Where to run: hvt (Ingot's KVM monitor)")
        ->check(CLI::IsMember({"hvt", "qemu"}));
    command->add_flag("--trace-syscalls", settings->trace_syscalls,
                      "Print every system call with its arguments and result (on stderr)");
    command->add_flag("--stats", settings->print_stats,
                      "Print exit and hypercall counts at the end");
    command->add_option("arguments", settings->options.arguments,
                        "Arguments for the program, replacing the image's (after --)");
    command->callback([settings, &action] { action = [settings] { return run(*settings); }; });
}

} // namespace ingot
