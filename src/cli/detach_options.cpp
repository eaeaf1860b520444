#include "cli/detach_options.h"

#include "instance/instance_name.h"
#include "instance/restart_policy.h"
#include "support/error.h"

namespace ingot {

namespace {

// A CLI11 validator from a function that fails with one line.
CLI::Validator checked_by(void (*check)(const std::string&), const char* what) {
    return CLI::Validator(
        [check](const std::string& value) {
            try {
                check(value);
                return std::string();
            } catch (const UserError& error) {
                return std::string(error.what());
            }
        },
        "", what);
}

} // namespace

void add_detach_options(CLI::App& command, DetachOptions& options) {
    command.add_flag("-d,--detach", options.detach,
                     "Run as a detached instance, kept by a supervisor: print its id and return "
                     "(see ingot ps, logs, stop, kill, rm, inspect)");
    command
        .add_option("--name", options.name,
                    "The detached instance's name, unique ([a-zA-Z0-9][a-zA-Z0-9_.-]*; default: "
                    "generated)")
        ->type_name("NAME")
        ->check(checked_by([](const std::string& name) { check_instance_name(name); }, "name"));
    command
        .add_option("--restart", options.restart,
                    "When the supervisor restarts the program: no, on-failure[:MAX_RETRIES], "
                    "always or unless-stopped (default no)")
        ->type_name("POLICY")
        ->check(checked_by([](const std::string& text) { RestartPolicy::parse(text); },
                           "restart policy"));
}

} // namespace ingot
