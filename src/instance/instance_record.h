// What an instance's directory records: its configuration, fixed when it is created, and its
// state, which the supervisor and the commands change under the instance's lock. Both are
// JSON files, each replaced whole (written beside, then renamed), so readers need no lock.
#pragma once

#include "instance/process_identity.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct InstanceConfig {
    std::string id;
    std::string name;
    std::string image; // ingot run's target, as given
    std::string platform;
    std::string executable; // the ingot that the supervisor runs
    // ingot run's arguments after argv[0], without the options of detaching.
    std::vector<std::string> command;
    std::string working_directory;
    std::vector<std::string> ports;
    std::vector<std::string> volumes;
    std::string restart_policy;
    int64_t created_at = 0; // nanoseconds since the epoch
};

struct InstanceState {
    // created, running, restarting, exited; a "running" or "restarting" state is only
    // believed while its supervisor is the recorded process (instance_status.h).
    std::string status = "created";
    ProcessIdentity supervisor;
    ProcessIdentity vm; // ingot run, the VM's process
    int64_t started_at = 0;
    int64_t finished_at = 0;
    std::optional<int> exit_code;
    std::string killed_by; // "SIGKILL" when ingot run itself was killed
    int restart_count = 0;
    bool stop_requested = false;
    std::string error; // the last lines ingot run wrote on stderr when it failed
};

nlohmann::json to_json(const InstanceConfig& config);
InstanceConfig config_from_json(const nlohmann::json& json);
nlohmann::json to_json(const InstanceState& state);
InstanceState state_from_json(const nlohmann::json& json);

int64_t now_nanoseconds();
// RFC 3339 in UTC with nanoseconds, as podman's logs and inspect show times; "" for 0.
std::string format_time(int64_t nanoseconds);

} // namespace ingot
