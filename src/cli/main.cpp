#include "cli/commands.h"
#include "support/error.h"

#include <fmt/format.h>

#include <cstdio>

int main(int argc, char** argv) {
    using namespace ingot;
    CLI::App app{"Ingot: run a static Linux x86-64 program as a unikernel on KVM", "ingot"};
    app.set_version_flag("--version", "ingot 0.1.0");
    app.require_subcommand(1);
    app.fallthrough(false);
    Action action;
    add_build_command(app, action);
    add_run_command(app, action);
    add_inspect_command(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        fmt::print(stderr, "ingot: error: {} (see 'ingot --help')\n", error.what());
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
