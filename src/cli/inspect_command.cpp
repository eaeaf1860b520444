#include "cli/commands.h"
#include "image/elf_file.h"
#include "image/image.h"
#include "image/program_check.h"
#include "support/file.h"
#include "support/size.h"

#include <fmt/format.h>

namespace ingot {

namespace {

std::string quoted_list(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += fmt::format("{}\"{}\"", text.empty() ? "" : " ", item);
    return text.empty() ? "(none)" : text;
}

int inspect(const std::string& path) {
    MappedFile file(path, "image");
    Image image = read_image(file.bytes(), path);
    const ProgramInfo& program = image.program_info;
    const Manifest& manifest = image.manifest;
    fmt::print("image       {} ({})\n", path, format_size(image.bytes.size()));
    bool pvh = ElfFile(image.bytes, path).has_pvh_entry_note();
    fmt::print("kernel      {} in memory, entry {:#x}, {} symbols, platforms {}\n",
               format_size(image.kernel_size), image.entry, image.payload.symbol_count,
               pvh ? "hvt, pvh" : "hvt");
    fmt::print("program     {} ({}), entry {:#x}, spans {}{}\n", format_size(image.program.size()),
               program_kind(program), program.entry, format_size(program.memory_span),
               program.has_symbols ? ", with symbols" : ", stripped");
    fmt::print("payload     at guest-physical {:#x}, {}\n", image.payload_physical,
               format_size(image.payload.total_size));
    fmt::print("memory      {}\n", format_size(manifest.memory_size));
    fmt::print("stack       {}\n", format_size(manifest.stack_size));
    fmt::print("argv        {}\n", quoted_list(manifest.arguments));
    fmt::print("environment {}\n", quoted_list(manifest.environment));
    return 0;
}

} // namespace

void add_inspect_command(CLI::App& app, Action& action) {
    auto path = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand("inspect", "Show what an image holds");
    command->add_option("image", *path, "The image file")->required();
    command->callback([path, &action] { action = [path] { return inspect(*path); }; });
}

} // namespace ingot
