// `ingot run -d`: the instance is created with the resolved launch plan and its supervisor
// started (`ingot supervise-instance`, a process of its own); ingot returns once the supervisor
// says the guest started, printing the id, or prints the start error and leaves nothing behind.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct DetachOptions {
    bool detach = false;
    std::string name;
    std::string restart = "no";
};

// The launch, resolved: the plan each run of the instance starts, and what ps and inspect show
// of it; the command line itself is read from /proc/self/cmdline.
struct DetachedLaunch {
    std::string plan; // launch/launch_plan_json.h's text
    std::string image;
    std::string platform;
    std::vector<std::string> ports;
    std::vector<std::string> volumes;
};

// Called by ingot run once its checks passed: nothing when the run is not detached (then
// --name and --restart are refused), else ingot's exit status.
std::optional<int> run_detached_if_asked(const DetachOptions& options,
                                         const DetachedLaunch& launch);

// The supervisor's process, exec'd by `ingot run -d`: the instance `id` in the store at `root`,
// with the start pipe as descriptor 3. Never returns.
[[noreturn]] void run_supervisor(const std::string& root, const std::string& id);

// ingot's arguments after argv[0] without -d/--detach, --name and --restart and their values;
// what follows "--" is the program's and stays.
std::vector<std::string> strip_detach_options(const std::vector<std::string>& arguments);

} // namespace ingot
