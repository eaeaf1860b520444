// ingot-oci: an OCI runtime with runc's command line, so that podman (--runtime) and
// containerd's runc shim (--runc-binary) run a container image as an Ingot unikernel.
#include "cli/version.h"
#include "oci/container_state.h"
#include "oci/oci_commands.h"
#include "oci/runtime_log.h"
#include "support/error.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <functional>

int main(int argc, char** argv) {
    using namespace ingot;
    CLI::App app{"ingot-oci: an OCI runtime that runs a container's program as an Ingot "
                 "unikernel",
                 "ingot-oci"};
    // podman and containerd show the first line; "spec:" is the runtime spec implemented.
    app.set_version_flag("-v,--version", fmt::format("ingot-oci version {}\nspec: 1.0.2", version));
    app.require_subcommand(1);
    std::string root = "/run/ingot-oci";
    RuntimeLog log;
    std::string log_format = "text";
    bool systemd_cgroup = false;
    app.add_option("--root", root, "Where container state is kept (default /run/ingot-oci)");
    app.add_option("--log", log.path, "Also write errors to this file");
    app.add_option("--log-format", log_format, "The --log file's format")
        ->check(CLI::IsMember({"text", "json"}));
    app.add_flag("--debug", log.debug, "Write debug lines to the --log file");
    // Accepted as runc's callers pass it (podman under systemd): ingot-oci makes no cgroups,
    // the VM's process stays in its caller's, so there is no cgroup driver to choose.
    app.add_flag("--systemd-cgroup", systemd_cgroup, "Accepted and ignored: no cgroups are made");

    std::function<int(const ContainerStore&)> action;

    CreateOptions create;
    CLI::App* create_command =
        app.add_subcommand("create", "Create a container from a bundle; `start` runs it");
    create_command->add_option("-b,--bundle", create.bundle, "The bundle (default: .)");
    create_command->add_option("--pid-file", create.pid_file, "Write the init's pid here");
    create_command->add_option("--console-socket", create.console_socket,
                               "With process.terminal: where the terminal's master is sent");
    // runc's options for its own container set-up, which a VM has none of: no pivot_root, no
    // session keyring.
    bool no_pivot = false;
    bool no_new_keyring = false;
    create_command->add_flag("--no-pivot", no_pivot, "Accepted: a VM pivots no root");
    create_command->add_flag("--no-new-keyring", no_new_keyring,
                             "Accepted: a VM has no keyring to make");
    create_command->add_option("id", create.id, "The container's id")->required();
    create_command->callback([&] {
        action = [&](const ContainerStore& store) { return create_container(store, create, log); };
    });

    std::string id;
    CLI::App* start_command = app.add_subcommand("start", "Run a created container's program");
    start_command->add_option("id", id)->required();
    start_command->callback(
        [&] { action = [&](const ContainerStore& store) { return start_container(store, id); }; });

    CLI::App* state_command = app.add_subcommand("state", "Print a container's state (JSON)");
    state_command->add_option("id", id)->required();
    state_command->callback(
        [&] { action = [&](const ContainerStore& store) { return print_state(store, id); }; });

    std::string signal = "SIGTERM";
    bool all = false;
    CLI::App* kill_command = app.add_subcommand("kill", "Send a signal to a container's init");
    kill_command->add_flag("-a,--all", all, "Also to the init's children");
    kill_command->add_option("id", id)->required();
    kill_command->add_option("signal", signal, "A number or a name (default SIGTERM)");
    kill_command->callback([&] {
        action = [&](const ContainerStore& store) {
            return kill_container(store, id, signal, all);
        };
    });

    bool force = false;
    CLI::App* delete_command = app.add_subcommand("delete", "Delete a stopped container");
    delete_command->add_flag("-f,--force", force, "Kill it first if it runs");
    delete_command->add_option("id", id)->required();
    delete_command->callback([&] {
        action = [&](const ContainerStore& store) { return delete_container(store, id, force); };
    });

    CLI::App* features_command =
        app.add_subcommand("features", "Print what this runtime supports (JSON, as runc's)");
    features_command->callback(
        [&] { action = [](const ContainerStore&) { return print_features(); }; });

    // `podman exec`, `kubectl exec`: refused in words rather than as an unknown command.
    CLI::App* exec_command =
        app.add_subcommand("exec", "Refused: a unikernel runs one program, nothing beside it");
    exec_command->allow_extras();
    exec_command->callback([&] {
        action = [](const ContainerStore&) -> int {
            fail("exec: a unikernel runs one program and has no fork/exec: there is no process "
                 "to start beside it");
        };
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        log.json = log_format == "json";
        log.error(error.what());
        return 2;
    }
    log.json = log_format == "json";
    log.debug_line(fmt::format("ingot-oci {}", fmt::join(argv + 1, argv + argc, " ")));
    try {
        return action(ContainerStore(root));
    } catch (const UserError& error) {
        log.error(error.what());
    } catch (const std::exception& error) {
        log.error(std::string("internal error: ") + error.what());
    }
    return 1;
}
