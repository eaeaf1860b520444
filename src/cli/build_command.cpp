#include "cli/commands.h"
#include "cli/program_image.h"
#include "support/error.h"
#include "support/file.h"
#include "support/size.h"

#include <fmt/format.h>

#include <sys/stat.h>

namespace ingot {

namespace {

struct BuildSettings {
    std::string program;
    std::string output;
    ProgramOptions options;
    FileOptions files;
};

// The same file by device and inode, not by name: `-o ./hello`, a symlink to the program or a
// hard link to it would all replace the input.
void refuse_output_over_program(const BuildSettings& settings) {
    struct stat program {
    }, output{};
    std::string program_path = program_host_path(settings.program, settings.files);
    if (::stat(program_path.c_str(), &program) != 0 ||
        ::stat(settings.output.c_str(), &output) != 0)
        return; // a missing program is reported when it is opened; a missing output is fine
    if (program.st_dev == output.st_dev && program.st_ino == output.st_ino)
        fail("the output '{}' is the program '{}' itself: ingot build would overwrite its input; "
             "choose another -o",
             settings.output, settings.program);
}

int build(const BuildSettings& settings) {
    refuse_output_over_program(settings);
    std::vector<uint8_t> image =
        pack_program(settings.program, settings.options, settings.files, settings.output);
    write_file_atomically(settings.output, image, false);
    return 0;
}

} // namespace

void add_program_options(CLI::App& command, ProgramOptions& options) {
    command
        .add_option("-m,--mem", options.memory,
                    "Guest memory, e.g. 64M, 1G; a bare number is MiB, as QEMU's -m (default 64M)")
        ->type_name("SIZE");
    command
        .add_option("--stack", options.stack,
                    "Main thread stack and RLIMIT_STACK, e.g. 8M (default 1M)")
        ->type_name("SIZE");
    // One value per flag, as Docker's -e: `-e A=1 ./prog B=2` leaves ./prog the target and B=2
    // its argument.
    command
        .add_option("-e,--env", options.environment,
                    "Environment variable NAME=VALUE (repeat the flag for more)")
        ->type_name("NAME=VALUE")
        ->allow_extra_args(false);
}

void add_build_command(CLI::App& app, Action& action) {
    auto settings = std::make_shared<BuildSettings>();
    CLI::App* command =
        app.add_subcommand("build", "Seal a static program and the kernel into one image");
    command->add_option("program", settings->program, "The static x86-64 Linux executable")
        ->type_name("PROGRAM")
        ->required();
    command->add_option("-o,--output", settings->output, "The image file to write")
        ->type_name("IMAGE")
        ->required();
    add_program_options(*command, settings->options);
    add_file_options(*command, settings->files);
    command->add_option("arguments", settings->options.arguments,
                        "Arguments stored in the image (after --)");
    command->callback([settings, &action] { action = [settings] { return build(*settings); }; });
}

} // namespace ingot
