#include "cli/commands.h"
#include "cli/program_manifest.h"
#include "image/embedded_kernel.h"
#include "image/image.h"
#include "image/program_check.h"
#include "support/file.h"
#include "support/size.h"

#include <fmt/format.h>

namespace ingot {

namespace {

struct BuildSettings {
    std::string program;
    std::string output;
    ProgramOptions options;
};

int build(const BuildSettings& settings) {
    MappedFile program(settings.program, "program");
    check_program(program.bytes(), settings.program);
    Manifest manifest = program_manifest(settings.program, settings.options);
    std::vector<uint8_t> image = build_image(embedded_kernel(), program.bytes(), manifest);
    read_image(image, settings.output); // the monitor's own checks, before anything is written
    write_file_atomically(settings.output, image, false);
    return 0;
}

} // namespace

void add_program_options(CLI::App& command, ProgramOptions& options) {
    command.add_option("--mem", options.memory, "Guest memory, e.g. 64M, 1G (default 64M)");
    command.add_option("--stack", options.stack, "Main thread stack and RLIMIT_STACK (default 1M)");
    command.add_option("--env", options.environment,
                       "Environment variable NAME=VALUE (repeatable)");
}

void add_build_command(CLI::App& app, Action& action) {
    auto settings = std::make_shared<BuildSettings>();
    CLI::App* command =
        app.add_subcommand("build", "Seal a static program and the kernel into one image");
    command->add_option("program", settings->program, "The static x86-64 Linux executable")
        ->required();
    command->add_option("-o,--output", settings->output, "The image file to write")->required();
    add_program_options(*command, settings->options);
    command->add_option("arguments", settings->options.arguments,
                        "Arguments stored in the image (after --)");
    command->callback([settings, &action] { action = [settings] { return build(*settings); }; });
}

} // namespace ingot
