#include "cli/commands.h"
#include "image/filesystem_listing.h"
#include "image/image.h"
#include "image/kernel_components.h"
#include "image/kernel_symbols.h"
#include "image/oci_archive_reader.h"
#include "image/program_check.h"
#include "support/error.h"
#include "support/file.h"
#include "support/size.h"

#include <fmt/format.h>
#include <ingot/abi/components.h>

#include <filesystem>

namespace ingot {

namespace {

std::string quoted_list(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += fmt::format("{}\"{}\"", text.empty() ? "" : " ", item);
    return text.empty() ? "(none)" : text;
}

struct InspectSettings {
    std::vector<std::string> targets;
    bool files = false;
    std::string format;
};

// As `tar tv` lists an archive: one line per path, sorted.
int list_files(const Image& image) {
    if (!image.filesystem.empty())
        fmt::print("{}", format_filesystem_listing(list_filesystem(image.filesystem, "image")));
    return 0;
}

int inspect_image(const InspectSettings& settings) {
    const std::string& path = settings.targets.front();
    MappedFile file(path, "image");
    // An OCI image archive shows the image it carries (oci_archive_reader.h).
    std::optional<oci::ArchivedImage> archived;
    if (!looks_like_image(file.bytes()) && oci::looks_like_tar(file.bytes()))
        archived = oci::read_oci_archive(file.bytes(), path);
    Image image =
        read_image(archived ? std::span<const uint8_t>(archived->image) : file.bytes(), path);
    if (settings.files)
        return list_files(image);
    const ProgramInfo& program = image.program_info;
    const Manifest& manifest = image.manifest;
    if (archived)
        fmt::print("archive     {}, OCI image{}{}, the image at {}\n", path,
                   archived->tag.empty() ? "" : " tagged ", archived->tag, archived->image_path);
    fmt::print("image       {} ({})\n", archived ? archived->image_path : path,
               format_size(image.bytes.size()));
    uint32_t components = kernel_components(image.bytes, path);
    // The functions a crash report can name: the payload's copy for pvh's kernel, or, in an
    // hvt-only image, the kernel's own table, which the monitor reads; none without debug.
    uint64_t symbols = image.payload.symbol_count ? image.payload.symbol_count
                                                  : encode_kernel_symbols(image.bytes).count;
    fmt::print("kernel      {} in memory, entry {:#x}, {}\n", format_size(image.kernel_size),
               image.entry, symbols ? fmt::format("{} symbols", symbols) : "no symbols");
    fmt::print("components  {}", component_list(components));
    if (uint32_t left_out = abi::all_components & ~components)
        fmt::print(" (left out: {})", component_list(left_out));
    fmt::print("\n");
    fmt::print("program     {} ({}), entry {:#x}, spans {}{}\n", format_size(image.program.size()),
               program_kind(program), program.entry, format_size(program.memory_span),
               program.has_symbols ? ", with symbols" : ", stripped");
    fmt::print("payload     at guest-physical {:#x}, {}\n", image.payload_physical,
               format_size(image.payload.total_size));
    if (!image.filesystem.empty())
        fmt::print("files       {} paths in {}{}\n", list_filesystem(image.filesystem, path).size(),
                   format_size(image.filesystem.size()),
                   image.payload.program_offset >= image.payload.filesystem_offset
                       ? ", the program among them"
                       : "");
    fmt::print("memory      {}\n", format_size(manifest.memory_size));
    fmt::print("stack       {}\n", format_size(manifest.stack_size));
    fmt::print("argv        {}\n", quoted_list(manifest.arguments));
    fmt::print("environment {}\n", quoted_list(manifest.environment));
    return 0;
}

// As docker inspect does both: a file, or a path (an instance's name has no '/'), is an image;
// anything else names instances.
int inspect(const InspectSettings& settings) {
    const std::string& first = settings.targets.front();
    std::error_code error;
    if (settings.targets.size() == 1 &&
        (first.find('/') != std::string::npos || std::filesystem::exists(first, error))) {
        if (!settings.format.empty())
            fail("--format json is for instances: an image is shown as text");
        return inspect_image(settings);
    }
    if (settings.files)
        fail("--files lists an image's files: '{}' is not an image file", settings.targets[0]);
    return inspect_instances(settings.targets);
}

} // namespace

void add_inspect_command(CLI::App& app, Action& action) {
    auto settings = std::make_shared<InspectSettings>();
    CLI::App* command = app.add_subcommand(
        "inspect", "Show what an image holds, or detached instances' configuration and state");
    command->add_option("target", settings->targets, "An image file, or instances' names or ids")
        ->type_name("IMAGE|INSTANCE...")
        ->required();
    command->add_option("--format", settings->format, "json (instances are always shown so)")
        ->check(CLI::IsMember({"json"}));
    command->add_flag("--files", settings->files,
                      "List the image's file system: mode, links, owner, size, date, path");
    command->callback([settings, &action] { action = [settings] { return inspect(*settings); }; });
}

} // namespace ingot
