#include "cli/commands.h"
#include "cli/program_image.h"
#include "image/image.h"
#include "image/oci_archive_writer.h"
#include "support/error.h"
#include "support/file.h"
#include "support/size.h"

#include <ingot/abi/components.h>

#include <fmt/format.h>

#include <sys/stat.h>

namespace ingot {

namespace {

struct BuildSettings {
    std::string program;
    std::string output;
    std::string oci_archive; // --oci-archive FILE
    std::string tag;         // --tag: the archive's reference name
    ProgramOptions options;
    FileOptions files;
    ComponentOptions components;
    std::string platform = "all"; // --platform
};

// The same file by device and inode, not by name: `-o ./hello`, a symlink to the program or a
// hard link to it would all replace the input.
void refuse_output_over_program(const BuildSettings& settings, const std::string& output_path,
                                const char* option) {
    struct stat program {
    }, output{};
    std::string program_path = program_host_path(settings.program, settings.files);
    if (::stat(program_path.c_str(), &program) != 0 || ::stat(output_path.c_str(), &output) != 0)
        return; // a missing program is reported when it is opened; a missing output is fine
    if (program.st_dev == output.st_dev && program.st_ino == output.st_ino)
        fail("the output '{}' is the program '{}' itself: ingot build would overwrite its input; "
             "choose another {}",
             output_path, settings.program, option);
}

// The image as an OCI image archive (oci_archive_layout.h): its argv after argv[0] and its
// environment become the config's Cmd and Env, for container engines that show them.
void write_archive(const BuildSettings& settings, std::span<const uint8_t> image_bytes) {
    Image image = read_image(image_bytes, settings.oci_archive);
    oci::ArchiveSpec spec;
    spec.image_path = oci::image_path_for(settings.program);
    spec.arguments.assign(image.manifest.arguments.begin() + 1, image.manifest.arguments.end());
    spec.environment = image.manifest.environment;
    spec.tag = settings.tag.empty() ? oci::default_tag_for(settings.program) : settings.tag;
    spec.created = oci::source_date_epoch();
    write_file_atomically(settings.oci_archive, oci::write_oci_archive(image_bytes, spec), false);
}

int build(const BuildSettings& settings) {
    if (settings.output.empty() && settings.oci_archive.empty())
        fail("ingot build needs an output: -o IMAGE, --oci-archive FILE, or both");
    if (!settings.tag.empty() && settings.oci_archive.empty())
        fail("--tag names the image in an OCI archive: use it with --oci-archive");
    if (settings.output == settings.oci_archive)
        fail("-o and --oci-archive name the same file '{}'", settings.output);
    if (!settings.tag.empty())
        oci::check_tag(settings.tag);
    for (auto [path, option] :
         {std::pair{&settings.output, "-o"}, {&settings.oci_archive, "--oci-archive"}})
        if (!path->empty())
            refuse_output_over_program(settings, *path, option);
    ComponentOptions components = settings.components;
    if (settings.platform == "hvt")
        components.platforms = abi::component_hvt;
    else if (settings.platform == "pvh")
        components.platforms = abi::component_pvh;
    else
        components.platforms = abi::platform_components;
    std::vector<uint8_t> image =
        pack_program(settings.program, settings.options, settings.files, components,
                     settings.output.empty() ? settings.oci_archive : settings.output);
    if (!settings.oci_archive.empty())
        write_archive(settings, image);
    if (!settings.output.empty())
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
        ->type_name("IMAGE");
    command
        ->add_option("--oci-archive", settings->oci_archive,
                     "Also (or instead) write the image as an OCI image archive, for skopeo, "
                     "podman and ingot-oci")
        ->type_name("FILE");
    command
        ->add_option("--tag", settings->tag,
                     "The OCI archive's reference name, podman load's image name (default "
                     "PROGRAM:latest)")
        ->type_name("TAG");
    add_program_options(*command, settings->options);
    add_file_options(*command, settings->files);
    add_component_options(*command, settings->components);
    command
        ->add_option("--platform", settings->platform,
                     "Where the image will run: hvt (Ingot's KVM monitor), pvh (QEMU, "
                     "Firecracker) or all (the default); the kernel carries only those")
        ->check(CLI::IsMember({"hvt", "pvh", "all"}));
    command->add_option("arguments", settings->options.arguments,
                        "Arguments stored in the image (after --)");
    command->callback([settings, &action] { action = [settings] { return build(*settings); }; });
}

} // namespace ingot
