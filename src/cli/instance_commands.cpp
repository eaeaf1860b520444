// ps, logs, stop, kill and rm on detached instances, and inspect's instance half; as docker's
// commands of the same names. Each takes names, whole ids or unique id prefixes. And the two
// hidden commands a detached instance runs: its supervisor, and each run's launch.
#include "cli/commands.h"
#include "instance/detached_run.h"
#include "instance/instance_status.h"
#include "instance/instance_store.h"
#include "instance/log_file.h"
#include "instance/restart_policy.h"
#include "launch/launch_plan_json.h"
#include "launch/on_demand.h"
#include "launch/start_notice.h"
#include "sandbox/monitor_sandbox.h"
#include "support/error.h"
#include "support/file.h"
#include "support/size.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <thread>

namespace ingot {

namespace {

using namespace std::chrono_literals;

struct Instance {
    InstanceConfig config;
    InstanceState state;
    bool alive = false; // the supervisor runs
};

Instance load(const InstanceStore& store, const std::string& id) {
    Instance instance{store.config(id), store.state(id), false};
    instance.alive = supervisor_alive(instance.state);
    return instance;
}

bool vm_running(const Instance& instance) {
    return instance.state.status == "running" && is_running(instance.state.vm);
}

int64_t uptime_seconds(const Instance& instance) {
    if (!vm_running(instance) || !instance.alive)
        return 0;
    return (now_nanoseconds() - instance.state.started_at) / 1'000'000'000;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ",") + item;
    return text;
}

// Runs `action` on each instance named; an error on one is printed and the others go on, as
// docker does; the status is 1 when any failed.
int for_each_named(const std::vector<std::string>& words,
                   const std::function<void(const InstanceStore&, const InstanceKey&)>& action) {
    InstanceStore store(instance_state_root());
    int status = 0;
    for (const auto& word : words) {
        try {
            action(store, store.find(word));
            fmt::print("{}\n", word);
        } catch (const UserError& error) {
            fmt::print(stderr, "ingot: error: {}\n", error.what());
            status = 1;
        }
        fflush(stdout);
    }
    return status;
}

// Waits up to `limit` for the instance's supervisor to end.
bool wait_for_end(const InstanceStore& store, const std::string& id,
                  std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (supervisor_alive(store.state(id))) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// What a VM process started, if it is still that process (its pid may name another by now).
std::vector<ProcessIdentity> started_by(const ProcessIdentity& vm) {
    return is_running(vm) ? descendants(vm.pid) : std::vector<ProcessIdentity>{};
}

// Waits up to `limit` for `processes` to end (a zombie has: it holds nothing any more).
bool wait_for_exit(const std::vector<ProcessIdentity>& processes, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (const ProcessIdentity& process : processes)
        while (is_running(process)) {
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(10ms);
        }
    return true;
}

// -- ps

struct PsSettings {
    bool all = false;
    std::string format;
};

int ps(const PsSettings& settings) {
    InstanceStore store(instance_state_root());
    std::vector<Instance> instances;
    for (const auto& key : store.keys()) {
        Instance instance = load(store, key.id);
        if (settings.all || instance.alive)
            instances.push_back(std::move(instance));
    }
    std::sort(instances.begin(), instances.end(), [](const Instance& a, const Instance& b) {
        return a.config.created_at > b.config.created_at;
    });
    if (settings.format == "json") {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& instance : instances)
            list.push_back({{"name", instance.config.name},
                            {"id", instance.config.id},
                            {"image", instance.config.image},
                            {"platform", instance.config.platform},
                            {"status", describe_status(instance.state, instance.alive)},
                            {"ports", instance.config.ports},
                            {"uptime_seconds", uptime_seconds(instance)},
                            {"memory_bytes", instance.alive && vm_running(instance)
                                                 ? resident_memory(instance.state.vm.pid)
                                                 : 0},
                            {"restart_count", instance.state.restart_count}});
        fmt::print("{}\n", list.dump(2));
        return 0;
    }
    std::vector<std::array<std::string, 8>> rows = {
        {"NAME", "ID", "IMAGE", "PLATFORM", "STATUS", "PORTS", "UPTIME", "MEMORY"}};
    for (const auto& instance : instances) {
        bool running = instance.alive && vm_running(instance);
        std::string status = describe_status(instance.state, instance.alive);
        if (instance.state.restart_count > 0)
            status += fmt::format(", {} restarts", instance.state.restart_count);
        rows.push_back({instance.config.name, short_instance_id(instance.config.id),
                        instance.config.image, instance.config.platform, status,
                        joined(instance.config.ports),
                        running ? format_duration(uptime_seconds(instance)) : "-",
                        running ? format_size(resident_memory(instance.state.vm.pid)) : "-"});
    }
    std::array<size_t, 8> widths{};
    for (const auto& row : rows)
        for (size_t column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row[column].size());
    for (const auto& row : rows) {
        std::string line;
        for (size_t column = 0; column < row.size(); ++column)
            line += column + 1 == row.size() ? row[column]
                                             : fmt::format("{:<{}}  ", row[column], widths[column]);
        fmt::print("{}\n", line);
    }
    return 0;
}

// -- logs

struct LogsSettings {
    std::string instance;
    bool follow = false;
    bool timestamps = false;
    int tail = -1; // all
};

void print_records(const std::vector<LogRecord>& records, size_t first, bool timestamps,
                   bool& line_started) {
    for (size_t i = first; i < records.size(); ++i) {
        const LogRecord& record = records[i];
        FILE* stream = record.stream == LogStream::out ? stdout : stderr;
        if (timestamps && !line_started)
            fmt::print(stream, "{} ", record.time);
        fmt::print(stream, "{}{}", record.text, record.partial ? "" : "\n");
        line_started = record.partial;
    }
    fflush(stdout);
    fflush(stderr);
}

int logs(const LogsSettings& settings) {
    InstanceStore store(instance_state_root());
    InstanceKey key = store.find(settings.instance);
    LogReader reader(store.log_path(key.id));
    std::vector<LogRecord> records = reader.read_new();
    size_t first = 0;
    if (settings.tail >= 0) {
        // The last N lines: a line's pieces (P records) go with its end (F).
        size_t lines = 0;
        first = records.size();
        while (first > 0) {
            if (!records[first - 1].partial && lines++ == static_cast<size_t>(settings.tail))
                break;
            --first;
        }
    }
    bool line_started = false;
    print_records(records, first, settings.timestamps, line_started);
    if (!settings.follow)
        return 0;
    for (;;) {
        bool ended = !supervisor_alive(store.state(key.id));
        print_records(reader.read_new(), 0, settings.timestamps, line_started);
        if (ended)
            return 0;
        std::this_thread::sleep_for(100ms);
    }
}

// -- stop, kill, rm

int stop(const std::vector<std::string>& words, int timeout) {
    return for_each_named(words, [timeout](const InstanceStore& store, const InstanceKey& key) {
        InstanceState state = store.update_state(
            key.id, [](InstanceState& current) { current.stop_requested = true; });
        if (!supervisor_alive(state))
            return; // already ended: stopping it again is no error, as for docker
        // What the VM started (an on-demand boot) may end a moment after it, still holding the
        // published ports: stop returns once that is gone too, so that they are free again.
        auto started = started_by(state.vm);
        // The supervisor passes SIGTERM on to ingot run, whose stop policy applies.
        kill(state.supervisor.pid, SIGTERM);
        if (!wait_for_end(store, key.id, std::chrono::seconds(timeout))) {
            state = store.state(key.id);
            if (is_running(state.vm))
                kill(state.vm.pid, SIGKILL);
            if (!wait_for_end(store, key.id, 10s))
                fail("instance '{}' did not stop", key.name);
        }
        wait_for_exit(started, 10s);
    });
}

int parse_signal(const std::string& text) {
    if (!text.empty() && text.size() <= 2 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        int number = std::stoi(text);
        if (number >= 1 && number < NSIG)
            return number;
    }
    std::string name = text.starts_with("SIG") ? text.substr(3) : text;
    for (int number = 1; number < SIGRTMIN; ++number)
        if (const char* known = sigabbrev_np(number); known && name == known)
            return number;
    fail("unknown signal '{}': give a name (TERM, SIGKILL, ...) or a number", text);
}

int kill_instances(const std::vector<std::string>& words, const std::string& signal_text) {
    int signal = parse_signal(signal_text);
    return for_each_named(words, [signal](const InstanceStore& store, const InstanceKey& key) {
        Instance instance = load(store, key.id);
        if (!instance.alive || !vm_running(instance))
            fail("instance '{}' is not running", key.name);
        if (stops_restarts(signal))
            store.update_state(key.id, [](InstanceState& state) { state.stop_requested = true; });
        if (kill(instance.state.vm.pid, signal) != 0)
            fail("kill {}: {}", instance.state.vm.pid, system_error_text(errno));
    });
}

int remove_instances(const std::vector<std::string>& words, bool force) {
    return for_each_named(words, [force](const InstanceStore& store, const InstanceKey& key) {
        Instance instance = load(store, key.id);
        if (instance.alive) {
            if (!force)
                fail("instance '{}' is {}: stop it first, or use rm -f", key.name,
                     instance.state.status);
            store.update_state(key.id, [](InstanceState& state) { state.stop_requested = true; });
            // As for stop: what the VM started goes before rm returns.
            auto started = started_by(instance.state.vm);
            if (is_running(instance.state.vm))
                kill(instance.state.vm.pid, SIGKILL);
            if (!wait_for_end(store, key.id, 10s))
                kill(instance.state.supervisor.pid, SIGKILL);
            wait_for_exit(started, 10s);
        } else if (is_running(instance.state.vm)) {
            // The supervisor was lost, and the VM it left still runs: it goes with the rest.
            auto started = started_by(instance.state.vm);
            kill(instance.state.vm.pid, SIGKILL);
            wait_for_exit(started, 10s);
        }
        store.remove(key);
    });
}

// -- ingot's own commands, for a detached instance's supervisor

// Starts a stored launch plan as ingot run starts the plan it resolved; `started_fd` gets a
// byte once the guest runs (launch/start_notice.h).
int launch_plan_file(const std::string& path, int started_fd) {
    if (started_fd >= 0) {
        // Kept from the guest's other processes (QEMU), and from the closing below.
        if (started_fd < 3 || fcntl(started_fd, F_SETFD, FD_CLOEXEC) != 0)
            fail("--started-fd {} is not an open descriptor above 2", started_fd);
        close_range(3, static_cast<unsigned>(started_fd) - 1, 0);
        close_range(static_cast<unsigned>(started_fd) + 1, ~0U, 0);
    } else {
        close_inherited_descriptors();
    }
    LaunchPlan plan;
    {
        std::vector<uint8_t> text = read_file(path, "launch plan");
        plan = parse_launch_plan({reinterpret_cast<const char*>(text.data()), text.size()});
    }
    set_start_notice_descriptor(started_fd);
    return run_plan(plan);
}

} // namespace

int inspect_instances(const std::vector<std::string>& words) {
    InstanceStore store(instance_state_root());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& word : words) {
        InstanceKey key = store.find(word);
        Instance instance = load(store, key.id);
        const InstanceConfig& config = instance.config;
        const InstanceState& state = instance.state;
        bool running = instance.alive && vm_running(instance);
        list.push_back(
            {{"id", config.id},
             {"name", config.name},
             {"created", format_time(config.created_at)},
             {"log_path", store.log_path(config.id)},
             {"config",
              {{"image", config.image},
               {"platform", config.platform},
               {"command", config.command},
               {"working_directory", config.working_directory},
               {"ports", config.ports},
               {"volumes", config.volumes},
               {"restart_policy", config.restart_policy}}},
             {"state",
              {{"status", describe_status(state, instance.alive)},
               {"running", running},
               {"pid", running ? state.vm.pid : 0},
               {"supervisor_pid", instance.alive ? state.supervisor.pid : 0},
               {"started_at", format_time(state.started_at)},
               {"finished_at", format_time(state.finished_at)},
               {"exit_code", state.exit_code ? nlohmann::json(*state.exit_code) : nullptr},
               {"killed_by", state.killed_by},
               {"restart_count", state.restart_count},
               {"error", state.error},
               {"memory_bytes", running ? resident_memory(state.vm.pid) : 0}}}});
    }
    fmt::print("{}\n", list.dump(2));
    return 0;
}

void add_instance_commands(CLI::App& app, Action& action) {
    auto ps_settings = std::make_shared<PsSettings>();
    CLI::App* ps_command = app.add_subcommand("ps", "List detached instances (running ones)");
    ps_command->add_flag("-a,--all", ps_settings->all, "All instances, ended ones too");
    ps_command->add_option("--format", ps_settings->format, "json: one JSON array")
        ->check(CLI::IsMember({"json"}));
    ps_command->callback(
        [ps_settings, &action] { action = [ps_settings] { return ps(*ps_settings); }; });

    auto logs_settings = std::make_shared<LogsSettings>();
    CLI::App* logs_command =
        app.add_subcommand("logs", "Show an instance's output: its stdout and stderr");
    logs_command->add_option("instance", logs_settings->instance, "Name or id (prefix)")
        ->required();
    logs_command->add_flag("-f,--follow", logs_settings->follow,
                           "Keep printing what it writes, until it ends");
    logs_command->add_option("-n,--tail", logs_settings->tail, "Only the last N lines")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    logs_command->add_flag("-t,--timestamps", logs_settings->timestamps,
                           "Begin each line with the time it was written (RFC 3339)");
    logs_command->callback(
        [logs_settings, &action] { action = [logs_settings] { return logs(*logs_settings); }; });

    auto stop_words = std::make_shared<std::vector<std::string>>();
    auto stop_timeout = std::make_shared<int>(10);
    CLI::App* stop_command = app.add_subcommand(
        "stop", "Stop instances: SIGTERM, then after the timeout SIGKILL; no restart follows");
    stop_command->add_option("instances", *stop_words, "Names or ids (prefixes)")->required();
    stop_command->add_option("-t,--time", *stop_timeout, "Seconds before SIGKILL (default 10)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0, 1000000));
    stop_command->callback([stop_words, stop_timeout, &action] {
        action = [stop_words, stop_timeout] { return stop(*stop_words, *stop_timeout); };
    });

    auto kill_words = std::make_shared<std::vector<std::string>>();
    auto kill_signal = std::make_shared<std::string>("KILL");
    CLI::App* kill_command =
        app.add_subcommand("kill", "Send a signal to instances' VMs (default SIGKILL)");
    kill_command->add_option("instances", *kill_words, "Names or ids (prefixes)")->required();
    kill_command->add_option("-s,--signal", *kill_signal, "The signal: a name or a number")
        ->type_name("SIGNAL");
    kill_command->callback([kill_words, kill_signal, &action] {
        action = [kill_words, kill_signal] { return kill_instances(*kill_words, *kill_signal); };
    });

    auto rm_words = std::make_shared<std::vector<std::string>>();
    auto rm_force = std::make_shared<bool>(false);
    CLI::App* rm_command = app.add_subcommand("rm", "Remove ended instances, their state and logs");
    rm_command->add_option("instances", *rm_words, "Names or ids (prefixes)")->required();
    rm_command->add_flag("-f,--force", *rm_force, "Kill running ones first (SIGKILL)");
    rm_command->callback([rm_words, rm_force, &action] {
        action = [rm_words, rm_force] { return remove_instances(*rm_words, *rm_force); };
    });

    // Without a group: hidden from the help and the command lists (cli/main.cpp).
    auto supervised = std::make_shared<std::array<std::string, 2>>();
    CLI::App* supervise_command = app.add_subcommand(
        "supervise-instance", "ingot run -d's: the supervisor of instance ID in ROOT");
    supervise_command->group("");
    supervise_command->add_option("root", (*supervised)[0], "The state directory")->required();
    supervise_command->add_option("id", (*supervised)[1], "The instance's id")->required();
    supervise_command->callback([supervised, &action] {
        action = [supervised]() -> int { run_supervisor((*supervised)[0], (*supervised)[1]); };
    });

    auto plan_path = std::make_shared<std::string>();
    auto started_fd = std::make_shared<int>(-1);
    CLI::App* launch_command = app.add_subcommand(
        "launch-plan", "The supervisor's: start a stored launch plan (launch_plan_json.h)");
    launch_command->group("");
    launch_command->add_option("plan", *plan_path, "The plan's JSON file")->required();
    launch_command->add_option("--started-fd", *started_fd,
                               "A descriptor that gets a byte once the guest runs");
    launch_command->callback([plan_path, started_fd, &action] {
        action = [plan_path, started_fd] { return launch_plan_file(*plan_path, *started_fd); };
    });
}

} // namespace ingot
