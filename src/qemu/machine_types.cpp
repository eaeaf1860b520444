#include "qemu/machine_types.h"

#include "support/error.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

namespace ingot {

namespace {

std::string_view machine_name(const std::string& machine) {
    return std::string_view(machine).substr(0, machine.find(','));
}

// pc-i440fx-7.2, pc-q35-6.1: one entry per QEMU release, too many to list.
bool is_versioned(const std::string& name) {
    size_t dash = name.rfind('-');
    return dash != std::string::npos && dash + 1 < name.size() &&
           std::isdigit(static_cast<unsigned char>(name[dash + 1]));
}

} // namespace

std::vector<std::string> parse_machine_types(std::string_view help_output) {
    std::vector<std::string> names;
    while (!help_output.empty()) {
        size_t end = help_output.find('\n');
        std::string_view line = help_output.substr(0, end);
        help_output = end == std::string_view::npos ? "" : help_output.substr(end + 1);
        // "Supported machines are:" heads the list; entries are "name   description".
        if (line.empty() || line.ends_with(':') ||
            std::isspace(static_cast<unsigned char>(line[0])))
            continue;
        names.emplace_back(line.substr(0, line.find_first_of(" \t")));
    }
    return names;
}

void check_machine_type(const std::string& machine, const std::vector<std::string>& known) {
    std::string_view name = machine_name(machine);
    if (std::find(known.begin(), known.end(), name) != known.end())
        return;
    std::vector<std::string> choices;
    std::copy_if(known.begin(), known.end(), std::back_inserter(choices),
                 [](const std::string& choice) { return !is_versioned(choice); });
    fail("--qemu-machine '{}' is not a machine type of this QEMU; choose one of: {} (versioned "
         "ones too: qemu-system-x86_64 -machine help)",
         name, fmt::join(choices, ", "));
}

bool is_microvm(const std::string& machine) {
    return machine_name(machine) == "microvm";
}

} // namespace ingot
