#include "cli/program_manifest.h"

#include "support/error.h"
#include "support/size.h"

#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>

#include <filesystem>

namespace ingot {

std::optional<uint64_t> parse_memory_option(const std::string& text, const char* option,
                                            BareNumber bare) {
    if (text.empty())
        return std::nullopt;
    bool bare_number = text.find_first_not_of("0123456789") == std::string::npos;
    auto size = parse_size(bare_number && bare == BareNumber::mebibytes ? text + "M" : text);
    if (!size || *size == 0)
        fail("{} '{}' is not a size (examples: 64M, 512MiB, 1G)", option, text);
    if (*size % abi::page_size != 0)
        fail("{} {} is not a multiple of 4 KiB", option, text);
    return size;
}

Manifest program_manifest(const std::string& program_path, const ProgramOptions& options) {
    Manifest manifest;
    manifest.arguments.push_back(std::filesystem::path(program_path).filename().string());
    manifest.arguments.insert(manifest.arguments.end(), options.arguments.begin(),
                              options.arguments.end());
    manifest.environment = options.environment;
    manifest.memory_size = parse_memory_option(options.memory, "--mem", BareNumber::mebibytes)
                               .value_or(abi::default_memory_size);
    if (manifest.memory_size < abi::minimum_memory || manifest.memory_size > abi::maximum_memory)
        fail("--mem {} is outside what Ingot supports ({} to {})",
             format_size(manifest.memory_size), format_size(abi::minimum_memory),
             format_size(abi::maximum_memory));
    manifest.stack_size = parse_memory_option(options.stack, "--stack", BareNumber::bytes)
                              .value_or(abi::default_stack_size);
    if (manifest.stack_size < abi::minimum_stack_size ||
        manifest.stack_size > abi::maximum_stack_size)
        fail("--stack {} is outside what Ingot supports ({} to {})",
             format_size(manifest.stack_size), format_size(abi::minimum_stack_size),
             format_size(abi::maximum_stack_size));
    validate_manifest(manifest);
    return manifest;
}

} // namespace ingot
