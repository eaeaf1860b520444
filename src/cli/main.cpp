#include "cli/command_names.h"
#include "cli/commands.h"
#include "cli/version.h"
#include "support/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

// CLI11 answers `ingot bulid`, `ingot ps` and `ingot --frob` alike with "A subcommand is
// required": name what was typed and the nearest command instead.
std::optional<std::string> check_command_word(int argc, char** argv,
                                              const std::vector<std::string>& commands) {
    if (argc < 2)
        return fmt::format("a command is required: {} (see 'ingot --help')",
                           ingot::command_list(commands));
    std::string word = argv[1];
    for (const char* known : {"-h", "--help", "--help-all", "--version"})
        if (word == known)
            return std::nullopt;
    for (const auto& command : commands)
        if (word == command)
            return std::nullopt;
    if (word.starts_with("-"))
        return fmt::format("unknown option '{}': a command comes first: {} (see 'ingot --help')",
                           word, ingot::command_list(commands));
    return fmt::format("unknown command '{}': did you mean '{}'? (see 'ingot --help')", word,
                       ingot::nearest_command(word, commands));
}

} // namespace

int main(int argc, char** argv) {
    using namespace ingot;
    CLI::App app{"Ingot: run a static Linux x86-64 program as a unikernel on KVM", "ingot"};
    app.set_version_flag("--version", fmt::format("ingot {}", version));
    app.require_subcommand(1);
    app.fallthrough(false);
    Action action;
    add_build_command(app, action);
    add_run_command(app, action);
    add_inspect_command(app, action);
    add_instance_commands(app, action);
    // The commands of no group are ingot's own (a detached instance's supervisor and its
    // launch): accepted, never offered.
    std::vector<std::string> commands, internal;
    for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
        (command->get_group().empty() ? internal : commands).push_back(command->get_name());
    bool is_internal =
        argc >= 2 && std::find(internal.begin(), internal.end(), argv[1]) != internal.end();
    if (auto error = is_internal ? std::nullopt : check_command_word(argc, argv, commands)) {
        fmt::print(stderr, "ingot: error: {}\n", *error);
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        // argv[1] is a known command here: point at its own help.
        fmt::print(stderr, "ingot: error: {} (see 'ingot {} --help')\n", error.what(), argv[1]);
        return 2;
    }
    try {
        return action();
    } catch (const UserError& error) {
        fmt::print(stderr, "ingot: error: {}\n", error.what());
        return 2;
    } catch (const std::exception& error) {
        fmt::print(stderr, "ingot: internal error: {}\n", error.what());
        return 2;
    }
}
