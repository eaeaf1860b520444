// The ingot subcommands. Each adds itself to the CLI11 app and, when chosen, leaves the action
// to run after parsing; an action returns the process's exit status.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ingot {

using Action = std::function<int()>;

void add_build_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action);
void add_inspect_command(CLI::App& app, Action& action);
// ps, logs, stop, kill and rm (cli/instance_commands.cpp).
void add_instance_commands(CLI::App& app, Action& action);
// inspect on instances: one JSON array.
int inspect_instances(const std::vector<std::string>& words);

// Options shared by build and run.
struct ProgramOptions {
    std::string memory;
    std::string stack;
    std::vector<std::string> environment;
    std::vector<std::string> arguments;
};
void add_program_options(CLI::App& command, ProgramOptions& options);

} // namespace ingot
